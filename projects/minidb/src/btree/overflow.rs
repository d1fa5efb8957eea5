//! Overflow chains: a value larger than `node::MAX_INLINE` is written to a
//! linked list of pages, each `kind 3, next u32, used u16, data`.

use crate::error::{Error, Result};
use crate::storage::page::{USABLE, kind};
use crate::storage::{Page, PageId, Pager};

const DATA_AT: usize = 7;
pub const DATA_PER_PAGE: usize = USABLE - DATA_AT;

/// Writes `bytes` to a new chain and returns its first page.
pub fn write(pager: &Pager, bytes: &[u8]) -> Result<PageId> {
    let chunks: Vec<&[u8]> = bytes.chunks(DATA_PER_PAGE).collect();
    let ids: Vec<PageId> = chunks
        .iter()
        .map(|_| pager.allocate())
        .collect::<Result<_>>()?;
    for (i, chunk) in chunks.iter().enumerate() {
        let mut page = Page::zeroed();
        page.0[0] = kind::OVERFLOW;
        page.put_u32(1, ids.get(i + 1).copied().unwrap_or(0));
        page.put_u16(5, chunk.len() as u16);
        page.0[DATA_AT..DATA_AT + chunk.len()].copy_from_slice(chunk);
        pager.write(ids[i], page)?;
    }
    ids.first()
        .copied()
        .ok_or_else(|| Error::Corrupt("empty overflow value".into()))
}

fn walk(pager: &Pager, first: PageId, len: u32, mut f: impl FnMut(PageId, &[u8])) -> Result<()> {
    let mut id = first;
    let mut left = len as usize;
    while left > 0 {
        if id == 0 {
            return Err(Error::Corrupt(format!(
                "overflow chain from page {first} ends {left} bytes early"
            )));
        }
        let page = pager.read(id)?;
        let used = page.u16_at(5) as usize;
        if page.0[0] != kind::OVERFLOW || used > DATA_PER_PAGE || used == 0 || used > left {
            return Err(Error::Corrupt(format!(
                "page {id} is not a valid overflow page"
            )));
        }
        f(id, &page.0[DATA_AT..DATA_AT + used]);
        left -= used;
        id = page.u32_at(1);
    }
    Ok(())
}

pub fn read(pager: &Pager, first: PageId, len: u32) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(len as usize);
    walk(pager, first, len, |_, data| out.extend_from_slice(data))?;
    Ok(out)
}

pub fn free(pager: &Pager, first: PageId, len: u32) -> Result<()> {
    let mut ids = Vec::new();
    walk(pager, first, len, |id, _| ids.push(id))?;
    for id in ids {
        pager.free(id)?;
    }
    Ok(())
}

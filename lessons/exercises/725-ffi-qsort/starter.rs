use std::ffi::{CStr, c_char, c_int, c_void};

type Cmp = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;

unsafe extern "C" {
    fn qsort(base: *mut c_void, nmemb: usize, size: usize, compar: Option<Cmp>);
    fn strlen(s: *const c_char) -> usize;
}

pub fn c_len(s: &CStr) -> usize {
    let _ = strlen as unsafe extern "C" fn(*const c_char) -> usize;
    todo!("{s:?}")
}

pub fn sort_i32(v: &mut [i32]) {
    let _ = qsort as unsafe extern "C" fn(*mut c_void, usize, usize, Option<Cmp>);
    todo!("{v:?}")
}

pub fn sort_i32_desc(v: &mut [i32]) {
    todo!("{v:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    #[test]
    fn strlen_through_ffi() {
        assert_eq!(c_len(c"hello"), 5);
        assert_eq!(c_len(c""), 0);
        let owned = CString::new("kernel ".repeat(100)).unwrap();
        assert_eq!(c_len(&owned), 700);
        let with_inner_nul = CStr::from_bytes_until_nul(b"ab\0cd\0").unwrap();
        assert_eq!(c_len(with_inner_nul), 2);
    }

    #[test]
    fn qsort_ascending_without_overflow() {
        let mut v = vec![5, i32::MIN, 3, i32::MAX, -1, 3, 0];
        sort_i32(&mut v);
        assert_eq!(v, vec![i32::MIN, -1, 0, 3, 3, 5, i32::MAX]);
        let mut empty: Vec<i32> = vec![];
        sort_i32(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn qsort_descending_matches_std() {
        let mut v: Vec<i32> = (0..1000).map(|i| (i * 7919) % 1009 - 500).collect();
        let mut expected = v.clone();
        expected.sort_by(|a, b| b.cmp(a));
        sort_i32_desc(&mut v);
        assert_eq!(v, expected);
        let mut one = [42];
        sort_i32_desc(&mut one);
        assert_eq!(one, [42]);
    }
}

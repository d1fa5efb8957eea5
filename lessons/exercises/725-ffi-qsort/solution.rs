use std::ffi::{CStr, c_char, c_int, c_void};

type Cmp = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;

unsafe extern "C" {
    fn qsort(base: *mut c_void, nmemb: usize, size: usize, compar: Option<Cmp>);
    fn strlen(s: *const c_char) -> usize;
}

pub fn c_len(s: &CStr) -> usize {
    // SAFETY: a &CStr points to a valid, NUL-terminated string that lives
    // for the whole call; strlen only reads up to that NUL.
    unsafe { strlen(s.as_ptr()) }
}

/// # Safety
/// `a` and `b` must point to valid i32s (qsort passes pointers into the array).
unsafe extern "C" fn cmp_asc(a: *const c_void, b: *const c_void) -> c_int {
    // SAFETY: qsort calls us with pointers to elements of the i32 array we
    // gave it, which are valid and aligned for i32.
    let (x, y) = unsafe { (*a.cast::<i32>(), *b.cast::<i32>()) };
    (x > y) as c_int - (x < y) as c_int
}

/// # Safety
/// As for `cmp_asc`.
unsafe extern "C" fn cmp_desc(a: *const c_void, b: *const c_void) -> c_int {
    // SAFETY: same contract as cmp_asc; we only swap the arguments.
    unsafe { cmp_asc(b, a) }
}

fn sort_with(v: &mut [i32], cmp: Cmp) {
    if v.len() < 2 {
        // Nothing to sort; and C wants a valid pointer even for 0 elements,
        // which an empty slice's dangling pointer may not be.
        return;
    }
    // SAFETY: v is a valid, exclusively borrowed buffer of v.len() i32s, each
    // size_of::<i32>() bytes; the comparator reads two elements and never
    // panics, so nothing unwinds through C.
    unsafe {
        qsort(
            v.as_mut_ptr().cast::<c_void>(),
            v.len(),
            size_of::<i32>(),
            Some(cmp),
        )
    }
}

pub fn sort_i32(v: &mut [i32]) {
    sort_with(v, cmp_asc);
}

pub fn sort_i32_desc(v: &mut [i32]) {
    sort_with(v, cmp_desc);
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

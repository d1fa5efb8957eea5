use std::ptr;
use std::slice;

pub fn split_mut<T>(s: &mut [T], mid: usize) -> (&mut [T], &mut [T]) {
    let len = s.len();
    assert!(mid <= len, "mid {mid} out of bounds for length {len}");
    let p = s.as_mut_ptr();
    // SAFETY: p points to `len` initialized Ts borrowed mutably for the
    // lifetime of `s`. Since mid <= len, [0, mid) and [mid, len) are both in
    // bounds and do not overlap, so the two &mut slices never alias. `s` is
    // not used again while they live (they borrow from it).
    unsafe {
        (
            slice::from_raw_parts_mut(p, mid),
            slice::from_raw_parts_mut(p.add(mid), len - mid),
        )
    }
}

pub fn reverse_raw<T>(s: &mut [T]) {
    let len = s.len();
    let p = s.as_mut_ptr();
    for i in 0..len / 2 {
        // SAFETY: i < len / 2, so i and len - 1 - i are both < len (in
        // bounds) and i < len - 1 - i (distinct). ptr::swap handles the
        // values without dropping or duplicating them.
        unsafe { ptr::swap(p.add(i), p.add(len - 1 - i)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_are_independent() {
        let mut v = vec![1, 2, 3, 4, 5];
        let (a, b) = split_mut(&mut v, 2);
        assert_eq!(a, &[1, 2]);
        assert_eq!(b, &[3, 4, 5]);
        a[0] = 10;
        b[2] = 50;
        std::mem::swap(&mut a[1], &mut b[0]);
        assert_eq!(v, vec![10, 3, 2, 4, 50]);
    }

    #[test]
    fn split_at_the_ends() {
        let mut v = vec!['x', 'y'];
        let (a, b) = split_mut(&mut v, 0);
        assert!(a.is_empty());
        assert_eq!(b.len(), 2);
        let (a, b) = split_mut(&mut v, 2);
        assert_eq!((a.len(), b.len()), (2, 0));
        let mut empty: [u8; 0] = [];
        let (a, b) = split_mut(&mut empty, 0);
        assert!(a.is_empty() && b.is_empty());
    }

    #[test]
    #[should_panic]
    fn split_past_the_end_panics() {
        let mut v = vec![1, 2];
        let _ = split_mut(&mut v, 3);
    }

    #[test]
    fn reverses_owned_values() {
        let mut v: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        reverse_raw(&mut v);
        assert_eq!(v, ["d", "c", "b", "a"]);
        let mut odd = [1, 2, 3];
        reverse_raw(&mut odd);
        assert_eq!(odd, [3, 2, 1]);
        let mut one = [7];
        reverse_raw(&mut one);
        assert_eq!(one, [7]);
        let mut none: [u8; 0] = [];
        reverse_raw(&mut none);
    }
}

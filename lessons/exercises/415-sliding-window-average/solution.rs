use std::collections::VecDeque;

pub struct MovingAverage {
    window: usize,
    samples: VecDeque<u64>,
    sum: u64,
}

impl MovingAverage {
    pub fn new(window: usize) -> Option<Self> {
        if window == 0 {
            return None;
        }
        Some(MovingAverage {
            window,
            samples: VecDeque::with_capacity(window),
            sum: 0,
        })
    }

    pub fn push(&mut self, sample: u64) {
        self.samples.push_back(sample);
        self.sum += sample;
        if self.samples.len() > self.window
            && let Some(old) = self.samples.pop_front()
        {
            self.sum -= old;
        }
    }

    pub fn average(&self) -> Option<f64> {
        if self.samples.is_empty() {
            None
        } else {
            Some(self.sum as f64 / self.samples.len() as f64)
        }
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_window_is_rejected() {
        assert!(MovingAverage::new(0).is_none());
        assert!(MovingAverage::new(1).is_some());
    }

    #[test]
    fn average_over_the_last_samples() {
        let mut m = MovingAverage::new(3).unwrap();
        assert_eq!(m.average(), None);
        assert_eq!(m.len(), 0);
        assert!(m.is_empty());
        m.push(10);
        assert!(!m.is_empty());
        assert_eq!(m.average(), Some(10.0));
        m.push(20);
        m.push(30);
        assert_eq!(m.average(), Some(20.0));
        m.push(100); // 10 falls out
        assert_eq!(m.len(), 3);
        assert_eq!(m.average(), Some(50.0));
    }

    #[test]
    fn many_pushes_stay_bounded() {
        let mut m = MovingAverage::new(4).unwrap();
        for i in 0..10_000u64 {
            m.push(i);
        }
        assert_eq!(m.len(), 4);
        assert_eq!(m.average(), Some((9996 + 9997 + 9998 + 9999) as f64 / 4.0));
    }

    #[test]
    fn window_of_one() {
        let mut m = MovingAverage::new(1).unwrap();
        m.push(5);
        m.push(7);
        assert_eq!(m.average(), Some(7.0));
    }
}

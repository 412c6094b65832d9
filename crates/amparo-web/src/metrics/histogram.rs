//! A latency histogram with fixed buckets, in seconds, as Prometheus reads one: a count per upper
//! bound (cumulative when written), the sum and the count of what was observed.

use std::time::Duration;

/// Upper bounds of the buckets, in seconds: from a fast page (5 ms) to a stuck one (10 s).
pub const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Observations so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// How many observations fell in each bucket (not yet cumulative); the last slot is `+Inf`.
    in_bucket: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Histogram {
    pub fn observe(&mut self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let slot = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        self.in_bucket[slot] += 1;
        self.sum += seconds;
        self.count += 1;
    }

    /// Each bucket's upper bound (`None` for `+Inf`) with the observations at or under it.
    pub fn cumulative(&self) -> Vec<(Option<f64>, u64)> {
        let mut running = 0;
        let mut out = Vec::with_capacity(self.in_bucket.len());
        for (slot, count) in self.in_bucket.iter().enumerate() {
            running += count;
            out.push((BUCKETS.get(slot).copied(), running));
        }
        out
    }

    pub fn sum(&self) -> f64 {
        self.sum
    }

    pub fn count(&self) -> u64 {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_last_holds_everything() {
        let mut histogram = Histogram::default();
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_millis(70));
        histogram.observe(Duration::from_secs(30));
        let buckets = histogram.cumulative();
        assert_eq!(buckets[0], (Some(0.005), 1));
        assert_eq!(buckets[4], (Some(0.1), 2));
        assert_eq!(buckets[10], (Some(10.0), 2));
        assert_eq!(buckets[11], (None, 3));
        assert_eq!(histogram.count(), 3);
        assert!((histogram.sum() - 30.073).abs() < 1e-9);
    }
}

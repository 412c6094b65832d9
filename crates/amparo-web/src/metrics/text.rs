//! The Prometheus text exposition format (version 0.0.4), written by hand: a `# HELP` and `# TYPE`
//! line per family, then its samples, label values escaped as the format says.

use std::fmt::Write as _;

use super::histogram::Histogram;

/// The content type of what [`Text`] writes.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A kind of metric family.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// An exposition being written.
#[derive(Default)]
pub struct Text {
    out: String,
}

/// A label value with `\`, `"` and line feeds escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn labels(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let inner: Vec<String> =
        pairs.iter().map(|(name, value)| format!("{name}=\"{}\"", escape(value))).collect();
    format!("{{{}}}", inner.join(","))
}

impl Text {
    /// Starts a family: its help (one line) and type.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {}", kind.as_str());
    }

    /// One sample of a counter or gauge.
    pub fn sample(&mut self, name: &str, pairs: &[(&str, &str)], value: f64) {
        let _ = writeln!(self.out, "{name}{} {value}", labels(pairs));
    }

    /// The samples of one histogram: its buckets, sum and count.
    pub fn histogram(&mut self, name: &str, pairs: &[(&str, &str)], histogram: &Histogram) {
        for (bound, count) in histogram.cumulative() {
            let le = bound.map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
            let mut with_le = pairs.to_vec();
            with_le.push(("le", &le));
            let _ = writeln!(self.out, "{name}_bucket{} {count}", labels(&with_le));
        }
        let _ = writeln!(self.out, "{name}_sum{} {}", labels(pairs), histogram.sum());
        let _ = writeln!(self.out, "{name}_count{} {}", labels(pairs), histogram.count());
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        let mut text = Text::default();
        text.family("amparo_x_total", Kind::Counter, "A test.");
        text.sample("amparo_x_total", &[("route", "/a\"b\\c\nd")], 2.0);
        assert_eq!(
            text.finish(),
            "# HELP amparo_x_total A test.\n# TYPE amparo_x_total counter\n\
             amparo_x_total{route=\"/a\\\"b\\\\c\\nd\"} 2\n"
        );
    }
}

//! Amounts of US dollars as case files write them: a JSON number, or a string of digits with an
//! optional decimal point and one or two decimal digits (`"1000"`, `"1000.00"`), from 0 to 1,000,000
//! with at most two decimal places. Kept in cents, so no value is rounded on the way in or out.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount a notice can ask for: a million dollars is far beyond any fee.
pub const MAX_DOLLARS: i64 = 1_000_000;

/// An amount of money in whole cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    cents: i64,
}

/// The text or number given is not an amount of dollars the format accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an amount: {0:?} (expected dollars from 0 to 1000000 with at most 2 decimals, e.g. 1000.00)")]
pub struct NotAnAmount(pub String);

impl Amount {
    /// Reads the string form: digits, then optionally `.` and one or two digits.
    pub fn parse(text: &str) -> Result<Amount, NotAnAmount> {
        let refuse = || NotAnAmount(text.to_owned());
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let fraction_ok = !text.contains('.') || (1..=2).contains(&fraction.len());
        if whole.is_empty() || whole.len() > 7 || !digits(whole) || !digits(fraction) || !fraction_ok {
            return Err(refuse());
        }
        let whole: i64 = whole.parse().map_err(|_| refuse())?;
        let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| refuse())?;
        Amount::from_cents(whole * 100 + fraction).ok_or_else(refuse)
    }

    /// A JSON number: finite, in range, and whole cents.
    pub fn from_number(value: f64) -> Result<Amount, NotAnAmount> {
        let refuse = || NotAnAmount(value.to_string());
        if !value.is_finite() {
            return Err(refuse());
        }
        let cents = (value * 100.0).round();
        // More than two decimals: the rounded cents differ from the value by more than float noise.
        if (cents - value * 100.0).abs() > 1e-6 || cents < 0.0 || cents > (MAX_DOLLARS * 100) as f64 {
            return Err(refuse());
        }
        Amount::from_cents(cents as i64).ok_or_else(refuse)
    }

    fn from_cents(cents: i64) -> Option<Amount> {
        (0..=MAX_DOLLARS * 100).contains(&cents).then_some(Amount { cents })
    }

    /// The amount in dollars, as the domain's events keep it.
    pub fn dollars(self) -> f64 {
        self.cents as f64 / 100.0
    }

    /// An amount the domain already holds in dollars (rounded to the cent, clamped to the range).
    pub fn from_dollars(dollars: f64) -> Amount {
        let cents = if dollars.is_finite() { (dollars * 100.0).round() as i64 } else { 0 };
        Amount { cents: cents.clamp(0, MAX_DOLLARS * 100) }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.cents / 100, self.cents % 100)
    }
}

/// Exported as a JSON number (`case-file.md`).
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.dollars())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;

        impl Visitor<'_> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of dollars, as a number or a string such as \"1000.00\"")
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Amount, E> {
                Amount::from_number(value).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Amount, E> {
                Amount::from_number(value as f64).map_err(|_| E::custom(NotAnAmount(value.to_string())))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Amount, E> {
                Amount::from_number(value as f64).map_err(|_| E::custom(NotAnAmount(value.to_string())))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Amount, E> {
                Amount::parse(value).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_decimal_strings_are_read_to_the_cent() {
        assert_eq!(Amount::parse("1000").unwrap().to_string(), "1000.00");
        assert_eq!(Amount::parse("1000.5").unwrap().to_string(), "1000.50");
        assert_eq!(Amount::parse("0.05").unwrap().to_string(), "0.05");
        assert_eq!(Amount::from_number(580.25).unwrap().to_string(), "580.25");
        assert_eq!(Amount::parse("1000000.00").unwrap().dollars(), 1_000_000.0);
    }

    #[test]
    fn other_shapes_and_ranges_are_refused() {
        for text in ["", "1,000", "1000.", ".5", "10.123", "-1", "1e3", " 10", "1000000.01", "$5"] {
            assert!(Amount::parse(text).is_err(), "{text:?}");
        }
        for value in [-0.01, 10.001, 1_000_000.01, f64::NAN] {
            assert!(Amount::from_number(value).is_err(), "{value}");
        }
    }
}

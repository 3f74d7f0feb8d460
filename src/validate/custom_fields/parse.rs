//! Dates, date-times and URLs, read as NetBox's custom-field validation reads them.

pub(super) fn is_leap(y: u32) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

pub(super) fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `n` ASCII digits as a number.
pub(super) fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `YYYY-MM-DD`, a real calendar date; `Err` says what is wrong.
pub(super) fn date(s: &str) -> Result<(), String> {
    let shape = || "not in the form YYYY-MM-DD".to_string();
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(shape());
    }
    let (Some(y), Some(m), Some(d)) = (digits(&s[0..4]), digits(&s[5..7]), digits(&s[8..10])) else {
        return Err(shape());
    };
    if y == 0 {
        return Err("there is no year 0000".into());
    }
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m}"));
    }
    let days = days_in_month(y, m);
    if d == 0 || d > days {
        return Err(format!("{} {y} has {days} days", MONTHS[m as usize - 1]));
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM[:SS[.ffffff]]`, `T` for the space allowed, with an optional
/// time zone `Z` or `±HH:MM`; `Err` says what is wrong.
pub(super) fn datetime(s: &str) -> Result<(), String> {
    let shape = || "not in the form YYYY-MM-DD HH:MM:SS".to_string();
    if s.len() < 16 || !s.is_char_boundary(10) || !s.is_char_boundary(11) {
        return Err(shape());
    }
    date(&s[..10])?;
    if !matches!(s.as_bytes()[10], b' ' | b'T') {
        return Err(shape());
    }
    let mut rest = &s[11..];
    // The time zone: `Z`, or `+HH:MM` / `-HH:MM`.
    if let Some(r) = rest.strip_suffix('Z') {
        rest = r;
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let tz = &rest[at + 1..];
        let tb = tz.as_bytes();
        if tb.len() != 5 || tb[2] != b':' {
            return Err("the time zone is not in the form +HH:MM".into());
        }
        let (Some(h), Some(m)) = (digits(&tz[..2]), digits(&tz[3..])) else {
            return Err("the time zone is not in the form +HH:MM".into());
        };
        if h > 23 || m > 59 {
            return Err(format!("the time zone offset {} is out of range", &rest[at..]));
        }
        rest = &rest[..at];
    }
    let mut parts = rest.splitn(3, ':');
    let (Some(hh), Some(mm)) = (parts.next(), parts.next()) else { return Err(shape()) };
    let ss = parts.next();
    let (Some(h), Some(m)) = (digits(hh).filter(|_| hh.len() == 2), digits(mm).filter(|_| mm.len() == 2)) else {
        return Err(shape());
    };
    if h > 23 {
        return Err(format!("there is no hour {h}"));
    }
    if m > 59 {
        return Err(format!("there is no minute {m}"));
    }
    if let Some(ss) = ss {
        let (sec, frac) = match ss.split_once('.') {
            Some((sec, frac)) => (sec, Some(frac)),
            None => (ss, None),
        };
        let Some(sv) = digits(sec).filter(|_| sec.len() == 2) else { return Err(shape()) };
        if sv > 59 {
            return Err(format!("there is no second {sv}"));
        }
        if let Some(frac) = frac
            && (frac.len() > 6 || digits(frac).is_none())
        {
            return Err("fractions of a second take 1 to 6 digits".into());
        }
    }
    Ok(())
}

/// A URL: `scheme://` followed by something, with no white space. NetBox accepts
/// any scheme of the form `[a-z][a-z0-9+.-]*` (case-insensitive).
pub(super) fn url(s: &str) -> Result<(), String> {
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err("no scheme (`https://`...)".into());
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    if !scheme_ok {
        return Err(format!("`{scheme}` is not a URL scheme"));
    }
    if rest.is_empty() {
        return Err("nothing after the scheme".into());
    }
    if s.chars().any(char::is_whitespace) {
        return Err("a URL holds no white space".into());
    }
    Ok(())
}

//! Natural order: names compared as people read them, so that `et-0/0/2` comes before
//! `et-0/0/10` and `leaf9` before `leaf10`. Every listing of names (`sot diff`, `sot
//! show`, `sot ipam`, `sot query`) sorts with [`cmp`].

use std::cmp::Ordering;

/// Compare `a` and `b` run by run: a run of ASCII digits compares as a number (then, of
/// equal numbers, the one with fewer leading zeros first), any other run as text. Names
/// equal that way compare as text, so the order is total and agrees with equality.
pub fn cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].is_ascii_digit() && y[j].is_ascii_digit() {
            let (si, sj) = (i, j);
            while i < x.len() && x[i].is_ascii_digit() {
                i += 1;
            }
            while j < y.len() && y[j].is_ascii_digit() {
                j += 1;
            }
            let (p, q) = (&x[si..i], &y[sj..j]);
            let (pt, qt) = (trim_zeros(p), trim_zeros(q));
            let order = pt.len().cmp(&qt.len()).then_with(|| pt.cmp(qt)).then_with(|| p.len().cmp(&q.len()));
            if order != Ordering::Equal {
                return order;
            }
        } else {
            if x[i] != y[j] {
                return x[i].cmp(&y[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (x.len() - i).cmp(&(y.len() - j)).then_with(|| a.cmp(b))
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n.min(d.len().saturating_sub(1))..]
}

/// Sort `items` by the natural order of the name `key` gives.
pub fn sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| cmp(key(a), key(b)));
}

#[cfg(test)]
mod tests {
    use super::cmp;

    #[test]
    fn numbers_in_names_sort_as_numbers() {
        let mut names = vec![
            "et-0/0/10",
            "et-0/0/2",
            "et-0/0/1",
            "Ethernet54/1",
            "Ethernet1/10",
            "Ethernet1/2",
            "lon1-leaf10",
            "lon1-leaf9",
            "ae0",
            "1/1/c10",
            "1/1/c2",
            "x007",
            "x7",
            "x",
        ];
        names.sort_by(|a, b| cmp(a, b));
        assert_eq!(
            names,
            [
                "1/1/c2",
                "1/1/c10",
                "Ethernet1/2",
                "Ethernet1/10",
                "Ethernet54/1",
                "ae0",
                "et-0/0/1",
                "et-0/0/2",
                "et-0/0/10",
                "lon1-leaf9",
                "lon1-leaf10",
                "x",
                "x7",
                "x007"
            ]
        );
        // A total order: equal only when equal.
        assert_eq!(cmp("a01", "a1"), std::cmp::Ordering::Greater);
        assert_eq!(cmp("a1", "a1"), std::cmp::Ordering::Equal);
        // Numbers longer than any integer type still compare.
        assert_eq!(cmp("n99999999999999999999999", "n100000000000000000000000"), std::cmp::Ordering::Less);
    }
}

//! Identifiers: unguessable tracking codes, random tokens, and time-ordered row ids. All random
//! bits come from the operating system's generator through `rand`'s `ThreadRng` (a CSPRNG
//! reseeded from the OS).

use rand::Rng;

/// Crockford's base 32 without `I L O U`: nothing a person could misread when copying a code.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a tracking code (5 bits each: 80 bits of randomness).
pub const CODE_CHARS: usize = 16;

/// A new tracking code, `XXXX-XXXX-XXXX-XXXX`.
pub fn tracking_code() -> String {
    let mut rng = rand::rng();
    let mut out = String::with_capacity(CODE_CHARS + 3);
    for i in 0..CODE_CHARS {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[rng.random_range(0..32)] as char);
    }
    out
}

/// A tracking code as typed (any case, spaces or no dashes, `O` for `0`, `I`/`L` for `1`) in
/// its canonical form, or `None` when it cannot be one.
pub fn normalize_code(input: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(CODE_CHARS);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        chars.push(c);
        if chars.len() > CODE_CHARS {
            return None;
        }
    }
    if chars.len() != CODE_CHARS {
        return None;
    }
    let mut out = String::with_capacity(CODE_CHARS + 3);
    for (i, c) in chars.into_iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    Some(out)
}

/// A random token of `bytes` bytes, hex-encoded (session tokens, CSRF tokens, idempotency keys).
pub fn token(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A row id that sorts in the order this process made them: 13 hex digits of milliseconds (never
/// behind the previous id's), 6 of a sequence within that millisecond, then 16 random hex digits
/// (unique across processes). Events and audit lines are read back `ORDER BY id`, and several
/// are written within one millisecond.
pub fn row_id(now_ms: i64) -> String {
    static LAST: std::sync::Mutex<(i64, u32)> = std::sync::Mutex::new((0, 0));
    let (ms, seq) = {
        let mut last = LAST
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ms = now_ms.max(last.0);
        *last = if ms == last.0 {
            (ms, last.1.wrapping_add(1))
        } else {
            (ms, 0)
        };
        *last
    };
    format!("{ms:013x}{:06x}{}", seq & 0xff_ffff, token(8))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_differ() {
        let a = tracking_code();
        let b = tracking_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert_eq!(normalize_code(&a).as_deref(), Some(a.as_str()));
        assert_eq!(
            normalize_code(&a.to_lowercase().replace('-', " ")).as_deref(),
            Some(a.as_str())
        );
        assert_eq!(
            normalize_code("oooo-iiii-llll-0000").as_deref(),
            Some("0000-1111-1111-0000")
        );
        for bad in [
            "",
            "ABC",
            "<script>",
            "AAAA-AAAA-AAAA-AAAAA",
            "ÀAAA-AAAA-AAAA-AAAA",
            "UUUU-AAAA-AAAA-AAAA",
        ] {
            assert_eq!(normalize_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn row_ids_sort_by_time() {
        assert!(row_id(1_000) < row_id(1_001));
        let same_ms: Vec<String> = (0..100).map(|_| row_id(1_700_000_000_000)).collect();
        assert!(same_ms.windows(2).all(|w| w[0] < w[1]));
        assert!(row_id(999_999_999_999) < row_id(1_700_000_000_000));
        assert_eq!(token(16).len(), 32);
    }
}

//! Every piece of user-facing text, in English and Simplified Chinese, in one place per
//! language. Kafka's own terms (acks, ISR, linger.ms) stay as they are in both.

mod en;
mod errors;
mod events;
mod scenario_errors;
#[cfg(test)]
mod tests;
mod zh;

use serde::{Deserialize, Serialize};

/// A language of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// From a BCP 47 tag such as the browser's `navigator.language` (`zh-CN` → Chinese).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The tag stored in settings.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The table of a language.
    pub fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => en::TEXT,
            Lang::Zh => zh::TEXT,
        }
    }
}

/// The text for `key` in `lang`; the key itself when missing (a test makes sure none is).
pub fn t(lang: Lang, key: &str) -> &'static str {
    lang.table()
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .or_else(|| {
            Lang::En
                .table()
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
        })
        .unwrap_or("")
}

/// Keys present in one language and not the other: `(missing in zh, missing in en)`.
pub fn missing_keys() -> (Vec<&'static str>, Vec<&'static str>) {
    let has = |table: &[(&str, &str)], k: &str| table.iter().any(|(x, _)| *x == k);
    let in_zh = en::TEXT
        .iter()
        .filter(|(k, _)| !has(zh::TEXT, k))
        .map(|(k, _)| *k)
        .collect();
    let in_en = zh::TEXT
        .iter()
        .filter(|(k, _)| !has(en::TEXT, k))
        .map(|(k, _)| *k)
        .collect();
    (in_zh, in_en)
}

/// Fills `{name}` placeholders in one pass (inserted text is never scanned again, so values
/// containing braces are safe). Unknown placeholders stay as they are.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (v, close))
        });
        match arg {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text for `key` in `lang` with its placeholders filled.
pub fn tf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    fill(t(lang, key), args)
}

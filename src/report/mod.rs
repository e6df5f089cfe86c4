//! Reports for people, rendered from a stage's finished result: the files of a planning
//! run ([`plan`]: plan.json, CSVs, GeoJSON and the HTML page of [`plan_page`]) and the
//! pages of an experiment ([`experiment`]), with the inline SVG drawings they share
//! ([`svg`]) and the one clock format of every output ([`clock`]).
//!
//! `report` sits above the stages it reports on and is called by their callers (the CLI,
//! the service, examples): it takes [`PlanOutcome`](crate::plan::PlanOutcome) and
//! [`Outcome`](crate::experiment::Outcome), and neither `plan` nor `experiment` imports it
//! back. Every text a report did not write itself (scenario names and ids, experiment
//! names and labels) goes through the one [`escape`], so no page keeps a variant that
//! forgets a character.

pub mod clock;
pub mod experiment;
pub mod plan;
pub mod plan_page;
pub mod svg;

/// Escapes text for HTML/SVG element content and double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_in_text_and_attributes() {
        assert_eq!(
            escape(r#"<script>"a"&'b'</script>"#),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
    }

    proptest::proptest! {
        #[test]
        fn escaped_text_has_no_markup_and_reads_back(text in ".*") {
            let e = escape(&text);
            proptest::prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let back = e
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            proptest::prop_assert_eq!(back, text);
        }
    }
}

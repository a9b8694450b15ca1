//! Import and export: scenario JSON files in and out, the run report as JSON, chart data as CSV.

use wasm_bindgen::JsCast;

use crate::engine::metrics::Sample;

/// Offers `text` as a file download named `name`; the error is an i18n key.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), &'static str> {
    let parts = js_sys::Array::new();
    parts.push(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| "file.err.create")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "file.err.download_link")?;
    let doc = gloo::utils::document();
    let a = doc
        .create_element("a")
        .map_err(|_| "file.err.link")?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "file.err.link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The chart series as CSV (one row per sample).
pub fn samples_csv(samples: &[Sample]) -> String {
    let groups: Vec<String> = samples
        .last()
        .map(|s| s.lag.iter().map(|(g, _)| g.clone()).collect())
        .unwrap_or_default();
    let mut out = String::from("t_s,produce_rps,ack_rps,consume_rps,produce_mbps,ack_p50_ms,ack_p99_ms,ack_p999_ms,e2e_p50_ms,e2e_p99_ms,e2e_p999_ms,under_replicated,offline,isr_min,isr_avg");
    for g in &groups {
        out.push_str(&format!(",lag_{g}"));
    }
    out.push('\n');
    for s in samples {
        out.push_str(&format!(
            "{:.3},{:.1},{:.1},{:.1},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{},{},{},{:.2}",
            s.t,
            s.produce_rps,
            s.ack_rps,
            s.consume_rps,
            s.produce_mbps,
            s.ack_p50,
            s.ack_p99,
            s.ack_p999,
            s.e2e_p50,
            s.e2e_p99,
            s.e2e_p999,
            s.urp,
            s.offline,
            s.isr_min,
            s.isr_avg
        ));
        for g in &groups {
            let lag = s
                .lag
                .iter()
                .find(|(x, _)| x == g)
                .map(|(_, l)| *l)
                .unwrap_or(0);
            out.push_str(&format!(",{lag}"));
        }
        out.push('\n');
    }
    out
}

//! Import and export: scenario JSON files in and out, the run report as JSON, chart data as CSV.

use wasm_bindgen::JsCast;

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

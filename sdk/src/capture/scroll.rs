//! Scroll depth: the deepest point of the page seen so far, in percent of its height (the first
//! screen counts as seen).

/// How deep a viewport of `viewport` pixels scrolled `scroll_y` down a page of `page_height`
/// pixels has seen, in percent (0–100). A page no taller than the viewport is seen whole.
pub(crate) fn depth(scroll_y: f64, viewport: f64, page_height: f64) -> u8 {
    if !(scroll_y.is_finite() && viewport.is_finite() && page_height.is_finite()) || viewport <= 0.0
    {
        return 0;
    }
    if page_height <= viewport {
        return 100;
    }
    let seen = (scroll_y.max(0.0) + viewport) / page_height * 100.0;
    // Rounded to the nearest percent (without `f64::round`, which needs std).
    (seen + 0.5).clamp(0.0, 100.0) as u8
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::depth;

    #[test]
    fn percent_of_the_page_seen() {
        assert_eq!(depth(0.0, 800.0, 2000.0), 40);
        assert_eq!(depth(600.0, 800.0, 2000.0), 70);
        assert_eq!(depth(1200.0, 800.0, 2000.0), 100);
        assert_eq!(depth(5000.0, 800.0, 2000.0), 100, "overscroll");
        assert_eq!(depth(-50.0, 800.0, 2000.0), 40, "rubber-banding");
        assert_eq!(depth(0.0, 800.0, 600.0), 100, "short page");
        assert_eq!(depth(1.0, 3.0, 1000.0), 0);
        assert_eq!(depth(f64::NAN, 800.0, 2000.0), 0);
        assert_eq!(depth(0.0, 0.0, 2000.0), 0);
    }
}

//! Browser, operating system and device class from a `User-Agent` header, as the families the
//! dashboard groups by (migration 0002): no version numbers, nothing that narrows a visitor down.

use pulsegate_schema::DeviceClass;

/// `Chrome`, `Edge`, `Firefox`, `Safari`, `Opera`, `Samsung Internet` or `Other`.
pub(crate) fn browser(ua: &str) -> &'static str {
    // Order matters: Edge, Opera and Samsung Internet also say "Chrome", Chrome says "Safari".
    if has_any(ua, &["Edg/", "EdgA/", "EdgiOS/", "Edge/"]) {
        "Edge"
    } else if has_any(ua, &["OPR/", "OPiOS/", "Opera"]) {
        "Opera"
    } else if ua.contains("SamsungBrowser/") {
        "Samsung Internet"
    } else if has_any(ua, &["Firefox/", "FxiOS/"]) {
        "Firefox"
    } else if has_any(ua, &["Chrome/", "CriOS/", "Chromium/"]) {
        "Chrome"
    } else if ua.contains("Safari/") && ua.contains("Version/") {
        "Safari"
    } else {
        "Other"
    }
}

/// `Windows`, `macOS`, `iOS`, `Android`, `Linux`, `ChromeOS` or `Other`.
pub(crate) fn os(ua: &str) -> &'static str {
    if has_any(ua, &["iPhone", "iPad", "iPod"]) {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if has_any(ua, &["Macintosh", "Mac OS X"]) {
        "macOS"
    } else if has_any(ua, &["Linux", "X11"]) {
        "Linux"
    } else {
        "Other"
    }
}

/// The device class the user agent implies, for clients that did not send one.
pub(crate) fn device_class(ua: &str) -> DeviceClass {
    if has_any(ua, &["iPad", "Tablet"]) || (ua.contains("Android") && !ua.contains("Mobile")) {
        DeviceClass::Tablet
    } else if has_any(ua, &["Mobi", "iPhone", "iPod", "Android"]) {
        DeviceClass::Mobile
    } else {
        DeviceClass::Desktop
    }
}

fn has_any(ua: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| ua.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real user agents, as browsers sent them.
    const CHROME_WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const EDGE_WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86";
    const SAFARI_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    const CHROME_IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1";
    const FIREFOX_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    const SAMSUNG: &str = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36";
    const OPERA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0";
    const ANDROID_TABLET: &str = "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const CHROMEBOOK: &str = "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const HEADLESS: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";

    #[test]
    fn families() {
        let cases = [
            (CHROME_WIN, "Chrome", "Windows", DeviceClass::Desktop),
            (EDGE_WIN, "Edge", "Windows", DeviceClass::Desktop),
            (SAFARI_MAC, "Safari", "macOS", DeviceClass::Desktop),
            (SAFARI_IPHONE, "Safari", "iOS", DeviceClass::Mobile),
            (CHROME_IPAD, "Chrome", "iOS", DeviceClass::Tablet),
            (FIREFOX_LINUX, "Firefox", "Linux", DeviceClass::Desktop),
            (SAMSUNG, "Samsung Internet", "Android", DeviceClass::Mobile),
            (OPERA, "Opera", "Windows", DeviceClass::Desktop),
            (ANDROID_TABLET, "Chrome", "Android", DeviceClass::Tablet),
            (CHROMEBOOK, "Chrome", "ChromeOS", DeviceClass::Desktop),
            (HEADLESS, "Chrome", "Linux", DeviceClass::Desktop),
            ("curl/8.5.0", "Other", "Other", DeviceClass::Desktop),
            ("", "Other", "Other", DeviceClass::Desktop),
        ];
        for (ua, b, o, d) in cases {
            assert_eq!((browser(ua), os(ua), device_class(ua)), (b, o, d), "{ua}");
        }
    }
}

//! Every entropy source, in the order they are read and hashed. Cheap synchronous facts come
//! first, the costly ones (fonts in four groups, canvas, WebGL, audio) last, each read in steps
//! that start a slice of their own.
//!
//! Changing this list (or a source's canonical value) changes every visitor's id: treat it like a
//! wire format.

use wasm_bindgen::JsValue;

use super::{Browser, Probe, Reading, Work};
use super::{
    audio, canvas, color, concurrency, fonts, intl, languages, math, media, memory, platform,
    screen, timezone, touch, vendor, webgl,
};

/// One entropy source.
#[derive(Debug)]
pub(crate) struct Source {
    /// Its name in the canonical stream.
    pub(crate) name: &'static str,
    /// Reads it, or its next step (`Work` carries what earlier steps made); `None` when a browser
    /// call it needs threw or is missing.
    pub(crate) collect: fn(&Probe<'_>, &mut Work) -> Option<Reading>,
    /// For asynchronous sources: the value from what the promise settled with.
    pub(crate) finish: Option<fn(&JsValue) -> Option<String>>,
    /// Whether this browser randomises the source (then it is skipped).
    pub(crate) randomized: fn(&Browser) -> bool,
    /// Confidence points lost when it fails: the high-entropy renderings weigh most.
    pub(crate) weight: u8,
    /// Costly (several ms, tens on a slow CPU): its first step starts a slice rather than run
    /// after other sources in one, so that no slice adds up to a long task.
    pub(crate) heavy: bool,
}

use alloc::string::String;

fn never(_: &Browser) -> bool {
    false
}

fn brave(browser: &Browser) -> bool {
    browser.brave
}

/// The sources, in hashing order; the one asynchronous source last (the runner starts it first).
pub(crate) static SOURCES: [Source; 19] = [
    Source {
        name: "platform",
        collect: platform::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "languages",
        collect: languages::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "timezone",
        collect: timezone::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "screen",
        collect: screen::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "color",
        collect: color::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "concurrency",
        collect: concurrency::collect,
        finish: None,
        randomized: brave,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "memory",
        collect: memory::collect,
        finish: None,
        randomized: brave,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "touch",
        collect: touch::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "media",
        collect: media::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "math",
        collect: math::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "intl",
        collect: intl::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "vendor",
        collect: vendor::collect,
        finish: None,
        randomized: never,
        weight: 2,
        heavy: false,
    },
    Source {
        name: "fontswindows",
        collect: fonts::windows,
        finish: None,
        randomized: brave,
        weight: 3,
        heavy: true,
    },
    Source {
        name: "fontsmicrosoft",
        collect: fonts::microsoft,
        finish: None,
        randomized: brave,
        weight: 2,
        heavy: true,
    },
    Source {
        name: "fontsapple",
        collect: fonts::apple,
        finish: None,
        randomized: brave,
        weight: 3,
        heavy: true,
    },
    Source {
        name: "fontsother",
        collect: fonts::other,
        finish: None,
        randomized: brave,
        weight: 2,
        heavy: true,
    },
    Source {
        name: "canvas",
        collect: canvas::collect,
        finish: None,
        randomized: Browser::randomizes_canvas,
        weight: 10,
        heavy: true,
    },
    Source {
        name: "webgl",
        collect: webgl::collect,
        finish: None,
        randomized: brave,
        weight: 10,
        heavy: true,
    },
    Source {
        name: "audio",
        collect: audio::collect,
        finish: Some(audio::finish),
        randomized: Browser::randomizes_audio,
        weight: 8,
        heavy: false,
    },
];

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::SOURCES;

    #[test]
    fn names_are_unique_and_plain() {
        for (i, a) in SOURCES.iter().enumerate() {
            assert!(a.name.bytes().all(|b| b.is_ascii_lowercase()), "{}", a.name);
            assert!(SOURCES[..i].iter().all(|b| b.name != a.name), "{} twice", a.name);
        }
    }

    #[test]
    fn only_audio_is_asynchronous_and_it_is_last() {
        let async_sources: Vec<_> =
            SOURCES.iter().filter(|s| s.finish.is_some()).map(|s| s.name).collect();
        assert_eq!(async_sources, ["audio"]);
        assert_eq!(
            SOURCES.last().map(|s| s.name),
            Some("audio"),
            "the runner starts the last first"
        );
    }
}

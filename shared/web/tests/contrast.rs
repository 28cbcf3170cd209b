//! WCAG 2.1 AA contrast of the stylesheet's colours, in both themes: text 4.5:1 on every
//! background it is used on, control borders and the focus ring 3:1.

use std::collections::HashMap;

/// The `--name: light-dark(#light, #dark)` variables of app.css.
fn palette() -> HashMap<String, [(f64, f64, f64); 2]> {
    let css = include_str!("../assets/app.css");
    let mut colours = HashMap::new();
    for line in css.lines() {
        let Some((name, value)) = line.trim().split_once(": light-dark(") else { continue };
        let value = value.trim_end_matches(';').trim_end_matches(')');
        let (light, dark) = value.split_once(',').expect("two colours");
        colours.insert(name.trim_start_matches("--").to_owned(), [rgb(light.trim()), rgb(dark.trim())]);
    }
    colours
}

fn rgb(hex: &str) -> (f64, f64, f64) {
    let hex = hex.trim_start_matches('#');
    assert_eq!(hex.len(), 6, "#rrggbb colours: {hex}");
    let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
    (channel(0), channel(2), channel(4))
}

fn luminance((r, g, b): (f64, f64, f64)) -> f64 {
    let linear = |c: f64| if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

fn ratio(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn every_pair_of_colours_meets_wcag_aa_in_both_themes() {
    let colours = palette();
    let text = 4.5;
    let ui = 3.0;
    let pairs: &[(&str, &str, f64)] = &[
        ("text", "bg", text),
        ("text", "surface", text),
        ("text", "raised", text),
        ("text", "notice", text),
        ("text", "error-bg", text),
        ("muted", "bg", text),
        ("muted", "surface", text),
        ("muted", "raised", text),
        ("accent", "bg", text),
        ("accent", "surface", text),
        ("accent", "raised", text),
        ("on-accent", "accent", text),
        ("on-danger", "danger", text),
        ("danger", "bg", text),
        ("danger", "error-bg", text),
        ("danger", "raised", text),
        ("control", "bg", ui),
        ("control", "raised", ui),
        ("control", "surface", ui),
        ("focus", "bg", ui),
        ("focus", "surface", ui),
        // The states of status pages, written on the page and on its cards.
        ("up", "bg", text),
        ("warning", "bg", text),
        ("down", "bg", text),
        ("maintenance", "bg", text),
        ("up", "surface", text),
        ("warning", "surface", text),
        ("down", "surface", text),
        ("maintenance", "surface", text),
    ];
    let mut failures = Vec::new();
    for (theme, index) in [("light", 0), ("dark", 1)] {
        for (fg, bg, minimum) in pairs {
            let found = ratio(colours[*fg][index], colours[*bg][index]);
            if found < *minimum {
                failures.push(format!("{theme}: {fg} on {bg} is {found:.2}:1, under {minimum}:1"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

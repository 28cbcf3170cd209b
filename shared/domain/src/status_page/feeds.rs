//! A page's incidents and their updates as RSS 2.0 and Atom feeds, one entry per update, newest
//! first, so feed readers (and chat integrations that follow feeds) see every step.

use super::incident::{PublicIncident, PublicUpdate};
use super::snapshot::PageSnapshot;
use crate::xml::escape as xml;
use jiff::Timestamp;
use std::fmt::Write as _;

/// Entries a feed keeps.
const MOST_ENTRIES: usize = 50;

/// Every update of the snapshot's incidents, newest first.
fn entries(snapshot: &PageSnapshot) -> Vec<(&PublicIncident, &PublicUpdate)> {
    let mut all: Vec<_> = snapshot.incidents.iter().flat_map(|i| i.updates.iter().map(move |u| (i, u))).collect();
    all.sort_by(|a, b| b.1.at.cmp(&a.1.at).then_with(|| b.1.id.cmp(&a.1.id)));
    all.truncate(MOST_ENTRIES);
    all
}

fn entry_title(incident: &PublicIncident, update: &PublicUpdate) -> String {
    format!("{}: {}", incident.name, update.status.as_str())
}

fn incident_link(url: &str, incident: &PublicIncident) -> String {
    format!("{}/incidents/{}", url.trim_end_matches('/'), incident.id)
}

/// When the feed last changed: its newest entry, else the page.
fn last_change(snapshot: &PageSnapshot) -> Timestamp {
    entries(snapshot).first().map_or(snapshot.updated_at, |(_, u)| u.at.max(snapshot.updated_at))
}

fn rfc2822(at: Timestamp) -> String {
    at.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// The RSS 2.0 feed of a page served at `url`.
pub fn rss(snapshot: &PageSnapshot, url: &str) -> String {
    let name = xml(&snapshot.page.name);
    let base = xml(url.trim_end_matches('/'));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>{name}</title><link>{base}</link>\
         <description>{name}: incidents and their updates</description><language>{}</language>\
         <atom:link href=\"{base}/history.rss\" rel=\"self\" type=\"application/rss+xml\"/><lastBuildDate>{}</lastBuildDate>",
        snapshot.page.default_locale.as_str(),
        rfc2822(last_change(snapshot))
    );
    for (incident, update) in entries(snapshot) {
        let _ = write!(
            out,
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate><description>{}</description></item>",
            xml(&entry_title(incident, update)),
            xml(&incident_link(url, incident)),
            update.id,
            rfc2822(update.at),
            xml(&update.body)
        );
    }
    out.push_str("</channel></rss>\n");
    out
}

/// The Atom feed of a page served at `url`.
pub fn atom(snapshot: &PageSnapshot, url: &str) -> String {
    let name = xml(&snapshot.page.name);
    let base = xml(url.trim_end_matches('/'));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\"><id>{base}</id><title>{name}</title><updated>{}</updated>\
         <author><name>{name}</name></author><link href=\"{base}\" rel=\"alternate\"/><link href=\"{base}/history.atom\" rel=\"self\"/>",
        snapshot.page.default_locale.as_str(),
        last_change(snapshot)
    );
    for (incident, update) in entries(snapshot) {
        let _ = write!(
            out,
            "<entry><id>urn:uuid:{}</id><title>{}</title><updated>{}</updated><published>{}</published>\
             <link href=\"{}\" rel=\"alternate\"/><content type=\"text\">{}</content></entry>",
            update.id,
            xml(&entry_title(incident, update)),
            update.at,
            update.at,
            xml(&incident_link(url, incident)),
            xml(&update.body)
        );
    }
    out.push_str("</feed>\n");
    out
}

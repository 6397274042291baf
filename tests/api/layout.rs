//! The layout of `shared/app/src` is the architecture: a kernel that imports
//! nothing above it, an `http` adapter that imports no domain, one folder per
//! domain whose files other code reaches only through what its `mod.rs`
//! re-exports, and domains that do not use each other in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Names the crate root re-exports from the kernel (`lib.rs`).
const ROOT_ITEMS: &[&str] = &["DomainError", "AppState", "Clock", "Config", "Role"];
/// Files above every domain: the route table and the Lambda adapter.
const TOP: &[&str] = &["routes", "lambda"];
/// No file of the crate grows past this; split it by what it does.
const MAX_LINES: usize = 650;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("shared/app/src")
}

/// Every `.rs` file as (folder or "" at the root, file stem, text).
fn files() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(src()).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            let dir = p.file_name().unwrap().to_str().unwrap().to_string();
            for f in std::fs::read_dir(&p).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|x| x == "rs") {
                    let stem = f.file_stem().unwrap().to_str().unwrap().to_string();
                    out.push((dir.clone(), stem, std::fs::read_to_string(&f).unwrap()));
                }
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
            out.push((String::new(), stem, std::fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

fn domains() -> BTreeSet<String> {
    files().into_iter().map(|(d, _, _)| d).filter(|d| !d.is_empty() && d != "kernel" && d != "http").collect()
}

fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// Every path a file names from the crate root, as (first, second) segments:
/// `crate::calls::end_calls_of` → ("calls", "end_calls_of"); `use crate::{a, b::c}`
/// → ("a", ""), ("b", "c"). Comments are skipped.
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                for item in inner.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let first = ident(item);
                    let second = item[first.len()..].strip_prefix("::").map(ident).unwrap_or("");
                    out.push((first.to_string(), second.to_string()));
                }
                continue;
            }
            let first = ident(rest);
            let second = rest[first.len()..].strip_prefix("::").map(ident).unwrap_or("");
            out.push((first.to_string(), second.to_string()));
        }
    }
    out
}

#[test]
fn the_kernel_imports_only_itself_and_http_imports_no_domain() {
    let mut wrong = Vec::new();
    for (dir, stem, text) in files() {
        for (first, _) in crate_paths(&text) {
            let ok = match dir.as_str() {
                "kernel" => first == "kernel",
                "http" => first == "kernel" || first == "http" || ROOT_ITEMS.contains(&first.as_str()),
                _ => true,
            };
            if !ok {
                wrong.push(format!("{dir}/{stem}.rs uses crate::{first}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports from above their layer:\n{}", wrong.join("\n"));
}

#[test]
fn a_domain_uses_another_only_through_its_public_use_cases_and_never_the_table() {
    let all = files();
    let domains = domains();
    let submodules: BTreeMap<&str, BTreeSet<&str>> = domains
        .iter()
        .map(|d| {
            let subs = all.iter().filter(|(dir, s, _)| dir == d && s != "mod").map(|(_, s, _)| s.as_str()).collect();
            (d.as_str(), subs)
        })
        .collect();
    let mut wrong = Vec::new();
    for (dir, stem, text) in all.iter().filter(|(d, _, _)| domains.contains(d)) {
        if text.contains("super::super") {
            wrong.push(format!("{dir}/{stem}.rs reaches out through super::super"));
        }
        for (first, second) in crate_paths(text) {
            if TOP.contains(&first.as_str()) {
                wrong.push(format!("{dir}/{stem}.rs uses crate::{first} (above the domains)"));
            } else if first == *dir {
                wrong.push(format!("{dir}/{stem}.rs names its own domain as crate::{first} (use super::)"));
            } else if submodules.get(first.as_str()).is_some_and(|s| s.contains(second.as_str()) && second != "routes")
            {
                wrong.push(format!("{dir}/{stem}.rs uses crate::{first}::{second}, a file private to {first}"));
            }
        }
    }
    for d in &domains {
        let (_, _, m) = all.iter().find(|(dir, s, _)| dir == d && s == "mod").expect("a mod.rs per domain");
        for line in m.lines().map(str::trim).filter(|l| l.starts_with("pub mod ")) {
            if line != "pub mod routes;" {
                wrong.push(format!(
                    "{d}/mod.rs: `{line}` (a domain's files stay private; re-export what others may use)"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn domains_do_not_use_each_other_in_a_circle() {
    let domains = domains();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (dir, _, text) in files().into_iter().filter(|(d, _, _)| domains.contains(d)) {
        for (first, _) in crate_paths(&text) {
            if domains.contains(&first) && first != dir {
                uses.entry(dir.clone()).or_default().insert(first);
            }
        }
    }
    let circle = in_a_circle(&domains, &uses);
    assert!(circle.is_empty(), "domains in a circle:\n{}", circle.join("\n"));
}

/// What of `nodes` uses another in a circle, as `node → [the others]`: nodes
/// that use no remaining node are peeled off until none is left to peel.
fn in_a_circle(nodes: &BTreeSet<String>, uses: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut left = nodes.clone();
    loop {
        let free: Vec<String> =
            left.iter().filter(|d| uses.get(*d).is_none_or(|u| u.is_disjoint(&left))).cloned().collect();
        if free.is_empty() {
            break;
        }
        for d in free {
            left.remove(&d);
        }
    }
    left.iter().map(|d| format!("{d} → {:?}", uses[d].intersection(&left).collect::<Vec<_>>())).collect()
}

/// The files of `files` (path, lines) past `max` lines, as `path: n lines`.
fn too_long(files: impl IntoIterator<Item = (String, usize)>, max: usize) -> Vec<String> {
    files.into_iter().filter(|(_, n)| *n > max).map(|(f, n)| format!("{f}: {n} lines")).collect()
}

#[test]
fn no_file_of_the_app_crate_is_past_the_size_to_split_it() {
    let long = too_long(files().iter().map(|(d, s, t)| (format!("{d}/{s}.rs"), t.lines().count())), MAX_LINES);
    assert!(long.is_empty(), "split by what they do:\n{}", long.join("\n"));
}

#[test]
fn only_http_turns_an_error_into_a_status() {
    let mut wrong = Vec::new();
    for (dir, stem, text) in files().into_iter().filter(|(d, _, _)| d != "http") {
        for (i, line) in text.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            if let Some(at) = l.find("DomainError::new(") {
                let arg = l[at + "DomainError::new(".len()..].trim_start();
                if arg.starts_with(|c: char| c.is_ascii_digit()) {
                    wrong.push(format!("{dir}/{stem}.rs:{}: {l}", i + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "a use case names an HTTP status (give the error a kind):\n{}", wrong.join("\n"));
}

/// `shared/store/src`: each file as (its node: the folder below the root it
/// is in, e.g. `core` or `wallet`, or `lib`), its path below that folder and
/// its text.
fn store_files() -> Vec<(String, String, String)> {
    fn walk(dir: &Path, node: &str, below: &str, out: &mut Vec<(String, String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let path = if below.is_empty() { name.clone() } else { format!("{below}/{name}") };
            if p.is_dir() {
                walk(&p, node, &path, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((
                    node.to_string(),
                    path.trim_end_matches(".rs").to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("shared/store/src");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        if p.is_dir() {
            walk(&p, &stem, "", &mut out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((stem.clone(), stem, std::fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

#[test]
fn the_stores_folders_are_the_apps_domains_with_core_below_them() {
    let apps = domains();
    let wrong: Vec<String> = store_files()
        .into_iter()
        .map(|(node, _, _)| node)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|n| n != "lib" && n != "core" && !apps.contains(n))
        .collect();
    assert!(wrong.is_empty(), "store folders named as no domain of shared/app/src: {wrong:?}");
}

#[test]
fn no_file_of_the_store_is_past_the_size_to_split_it() {
    let long = too_long(
        store_files().iter().map(|(node, stem, t)| (format!("{node}/{stem}.rs"), t.lines().count())),
        MAX_LINES,
    );
    assert!(long.is_empty(), "split by what they do:\n{}", long.join("\n"));
}

#[test]
fn the_stores_core_imports_no_domain_and_its_files_name_what_they_use_where_it_is_defined() {
    let files = store_files();
    let modules: BTreeSet<String> = files.iter().map(|(n, _, _)| n.clone()).filter(|n| n != "lib").collect();
    let mut wrong = Vec::new();
    for (node, stem, text) in files.iter().filter(|(n, _, _)| n != "lib") {
        if stem == "mod" && text.lines().any(|l| l.starts_with("pub use")) {
            wrong.push(format!("{node}/mod.rs re-exports: a domain's files are reached by their own paths"));
        }
        for (first, _) in crate_paths(text) {
            if node == "core" && first != "core" {
                wrong.push(format!("core/{stem}.rs uses crate::{first}: core stands on no domain"));
            } else if !modules.contains(&first) {
                wrong.push(format!("{node}/{stem}.rs uses crate::{first}: import it from the module that defines it"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_stores_files_do_not_use_each_other_in_a_circle() {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (node, _, text) in store_files().into_iter().filter(|(n, _, _)| n != "lib") {
        let entry = uses.entry(node.clone()).or_default();
        for (first, _) in crate_paths(&text) {
            if first != node {
                entry.insert(first);
            }
        }
    }
    let circle = in_a_circle(&uses.keys().cloned().collect(), &uses);
    assert!(circle.is_empty(), "store files in a circle:\n{}", circle.join("\n"));
}

#[test]
fn no_page_file_of_the_console_is_past_400_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("console/src/pages");
    let mut long = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "tsx" || x == "ts") {
                long.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap().lines().count()));
            }
        }
    }
    let long = too_long(long, 400);
    assert!(long.is_empty(), "one page a file:\n{}", long.join("\n"));
}

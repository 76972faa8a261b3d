//! The README's preset table lists exactly the core's presets, each with its summary and
//! source, so the two cannot drift.

#[test]
fn the_readme_preset_table_matches_the_core() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md is readable");
    let section = readme
        .split("\n## Presets\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a Presets section");
    let rows: Vec<(&str, &str)> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|line| line.split_once("` | "))
        .collect();
    let names: Vec<&str> = rows.iter().map(|(name, _)| *name).collect();
    let presets: Vec<&str> = hooksig::PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(names, presets, "README.md's preset table");
    for (preset, (_, rest)) in hooksig::PRESETS.iter().zip(&rows) {
        let summary = preset
            .summary
            .split_once(": ")
            .map_or(preset.summary, |(_, s)| s);
        assert!(
            rest.starts_with(summary),
            "{}: the row's summary differs",
            preset.name
        );
        let source = preset.source;
        assert!(
            rest.contains(source),
            "{}: the row does not cite {source}",
            preset.name
        );
    }
}

//! Temperatures, where the kernel exposes them: hwmon sensors (`/sys/class/hwmon`), or else
//! thermal zones (`/sys/class/thermal`). Virtual machines often have neither.

use std::path::Path;
use vigil_domain::agent::sample::Temperature;

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

fn millidegrees(path: &Path) -> Option<f64> {
    let celsius = read_trimmed(path)?.parse::<f64>().ok()? / 1000.0;
    // Disconnected sensors read as absurd values.
    (-60.0..=200.0).contains(&celsius).then_some(celsius)
}

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
}

/// Every sensor found under `sys`.
pub fn read(sys: &Path) -> Vec<Temperature> {
    let mut out = Vec::new();
    for hwmon in sorted_entries(&sys.join("class/hwmon")) {
        let chip = read_trimmed(&hwmon.join("name")).unwrap_or_else(|| "hwmon".into());
        for input in sorted_entries(&hwmon) {
            let Some(file) = input.file_name().and_then(|f| f.to_str()) else { continue };
            let Some(stem) = file.strip_suffix("_input").filter(|s| s.starts_with("temp")) else { continue };
            let label = read_trimmed(&hwmon.join(format!("{stem}_label"))).unwrap_or_else(|| stem.to_owned());
            if let Some(celsius) = millidegrees(&input) {
                out.push(Temperature { sensor: format!("{chip}/{label}"), celsius });
            }
        }
    }
    if out.is_empty() {
        for zone in sorted_entries(&sys.join("class/thermal")) {
            let Some(kind) = read_trimmed(&zone.join("type")) else { continue };
            if let Some(celsius) = millidegrees(&zone.join("temp")) {
                out.push(Temperature { sensor: format!("thermal/{kind}"), celsius });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn hwmon_first_then_thermal_zones() {
        let sys = tempfile::tempdir().unwrap();
        write(sys.path(), "class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
        write(sys.path(), "class/thermal/thermal_zone0/temp", "48000\n");
        assert_eq!(read(sys.path()), vec![Temperature { sensor: "thermal/x86_pkg_temp".into(), celsius: 48.0 }]);
        write(sys.path(), "class/hwmon/hwmon0/name", "coretemp\n");
        write(sys.path(), "class/hwmon/hwmon0/temp1_input", "51500\n");
        write(sys.path(), "class/hwmon/hwmon0/temp1_label", "Package id 0\n");
        write(sys.path(), "class/hwmon/hwmon0/temp2_input", "50000\n");
        write(sys.path(), "class/hwmon/hwmon0/temp3_input", "-273000\n");
        write(sys.path(), "class/hwmon/hwmon0/in0_input", "900\n");
        let found = read(sys.path());
        assert_eq!(
            found,
            vec![
                Temperature { sensor: "coretemp/Package id 0".into(), celsius: 51.5 },
                Temperature { sensor: "coretemp/temp2".into(), celsius: 50.0 },
            ]
        );
        assert!(read(Path::new("/nonexistent")).is_empty());
    }
}

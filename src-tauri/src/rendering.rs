//! How WebKitGTK should paint on this Linux desktop.
//!
//! WebKitGTK 2.46+ paints pages with Skia on the GPU. On a machine without one (most virtual
//! machines and remote desktops), Mesa runs that GPU path in software (llvmpipe), which costs more
//! than Skia's own CPU painter: measured on such a machine (`make bench`), painting on the CPU
//! drew the first screen about 60 ms sooner and the app used about 20 MiB less. With a GPU,
//! WebKit's default stays. Processes the app starts (the browser opened for the Entra sign-in)
//! inherit the variable; on the same machine without a GPU, that is what they should do too.

use std::ffi::OsStr;

/// WebKit's switch to paint with Skia's CPU painter. The web process reads it when it starts; it
/// inherits the app's environment.
pub const CPU_PAINTING_VARIABLE: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Whether the app should turn on [`CPU_PAINTING_VARIABLE`] on this machine: only when the
/// admin has not chosen either way, and there is no GPU to paint with. It only reads the
/// environment and `/dev/dri`: it starts no thread (see `main`).
pub fn should_paint_on_cpu() -> bool {
    let render_nodes = std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| is_render_node(&entry.file_name()))
                // One this user may not open (not in the `render` group, a container without the
                // device) leaves OpenGL in software just the same. Opening a node starts no GPU.
                .filter(|entry| {
                    std::fs::OpenOptions::new()
                        .read(true)
                        .write(true)
                        .open(entry.path())
                        .is_ok()
                })
                .count()
        })
        .unwrap_or(0);
    decide(
        std::env::var_os(CPU_PAINTING_VARIABLE).is_some(),
        std::env::var_os("LIBGL_ALWAYS_SOFTWARE").as_deref(),
        render_nodes,
    )
}

/// A GPU that can draw for an unprivileged app shows up as a DRM render node, `/dev/dri/renderD*`
/// (Mesa and the NVIDIA driver alike); without one, OpenGL falls back to software.
fn is_render_node(name: &OsStr) -> bool {
    name.to_str()
        .is_some_and(|name| name.starts_with("renderD"))
}

fn decide(already_set: bool, libgl_always_software: Option<&OsStr>, render_nodes: usize) -> bool {
    if already_set {
        return false;
    }
    // The values Mesa reads as "on" (its env_var_as_boolean, in any case); anything else leaves
    // the GPU on.
    let forced_software = libgl_always_software
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase)
        .is_some_and(|value| matches!(value.as_str(), "1" | "y" | "yes" | "t" | "true"));
    forced_software || render_nodes == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_on_the_cpu_only_without_a_gpu_and_without_a_choice_already_made() {
        assert!(
            decide(false, None, 0),
            "no render node: software GL, so CPU painting"
        );
        assert!(!decide(false, None, 1), "a GPU: WebKit's default");
        assert!(
            decide(false, Some(OsStr::new("1")), 2),
            "software GL forced by the admin"
        );
        assert!(!decide(false, Some(OsStr::new("0")), 1));
        assert!(
            !decide(true, None, 0),
            "the admin's own setting wins, whatever it says"
        );
    }

    #[test]
    fn recognises_render_nodes_only() {
        assert!(is_render_node(OsStr::new("renderD128")));
        assert!(!is_render_node(OsStr::new("card0")));
        assert!(!is_render_node(OsStr::new("by-path")));
    }
}

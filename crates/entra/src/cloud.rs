//! National clouds: each has its own login host, Graph host and non-gallery app template id.
//! Every URL can be overridden, which is how the sandbox and sovereign clouds plug in.

use serde::{Deserialize, Serialize};
use url::Url;

/// A Microsoft cloud the wizard can work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// The global (public) cloud.
    #[default]
    Global,
    /// Azure US Government (GCC High / DoD).
    UsGov,
    /// Azure China, operated by 21Vianet.
    China,
}

impl Cloud {
    pub const ALL: [Cloud; 3] = [Cloud::Global, Cloud::UsGov, Cloud::China];

    /// Login (authority) host, without a tenant segment.
    pub fn login_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGov => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// Microsoft Graph root, without the version segment.
    pub fn graph_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGov => "https://graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The non-gallery ("Custom") application template, per cloud (documented: docs/services.md).
    pub fn non_gallery_template_id(self) -> &'static str {
        match self {
            Cloud::Global => "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
            Cloud::UsGov => "4602d0b4-76bb-404b-bca9-2652e1a39c6d",
            Cloud::China => "5a532e38-1581-4918-9658-008dc27c1d68",
        }
    }

    /// The Entra admin center, for links shown to the admin.
    pub fn portal_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://entra.microsoft.com",
            Cloud::UsGov => "https://entra.microsoft.us",
            Cloud::China => "https://entra.microsoftonline.cn",
        }
    }
}

impl std::str::FromStr for Cloud {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_lowercase().as_str() {
            "global" | "public" => Ok(Cloud::Global),
            "usgov" | "us-gov" | "usgovernment" => Ok(Cloud::UsGov),
            "china" => Ok(Cloud::China),
            other => Err(format!(
                "unknown cloud '{other}': use global, usgov or china"
            )),
        }
    }
}

/// Why a login or Graph address is refused: the authorization code, the tokens and the SCIM
/// token (which Graph receives in the job's secrets) travel to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointProblem {
    /// Not `https` (or `http`), or not an address paths can be added to.
    NotHttp,
    /// Plain `http` to a host other than this computer: everything would cross the network in
    /// clear.
    PlainHttpOffLoopback,
}

impl EndpointProblem {
    pub fn describe(self) -> &'static str {
        match self {
            Self::NotHttp => "it must be an http(s) address",
            Self::PlainHttpOffLoopback => {
                "it must start with https:// (plain http is only for this computer: localhost, 127.0.0.1 or [::1])"
            }
        }
    }
}

/// `https` to any host, or `http` only to this computer (where the sandbox runs).
pub fn check_endpoint(url: &Url) -> Result<(), EndpointProblem> {
    if url.cannot_be_a_base() {
        return Err(EndpointProblem::NotHttp);
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host().is_some_and(|host| is_loopback(&host)) => Ok(()),
        "http" => Err(EndpointProblem::PlainHttpOffLoopback),
        _ => Err(EndpointProblem::NotHttp),
    }
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(address) => address.is_loopback(),
        url::Host::Ipv6(address) => address.is_loopback(),
    }
}

/// The host of `url` when it is not one of the Microsoft clouds' login or Graph hosts (a
/// sovereign cloud, a proxy, the sandbox, or a mistake): the admin is shown it by name.
pub fn unknown_microsoft_host(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    let known = Cloud::ALL.iter().any(|cloud| {
        [cloud.login_url(), cloud.graph_url()].iter().any(|known| {
            Url::parse(known)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                == Some(host.clone())
        })
    });
    (!known).then_some(host)
}

/// The URLs one setup talks to: a cloud's defaults, each overridable. Roots are kept without a
/// trailing slash; clients append their paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub cloud: Cloud,
    /// Login root, e.g. `https://login.microsoftonline.com` (tenant segments are appended).
    pub login: String,
    /// Graph root, e.g. `https://graph.microsoft.com` (`/v1.0/...` is appended).
    pub graph: String,
    pub non_gallery_template_id: String,
}

impl Endpoints {
    /// The cloud's own endpoints.
    pub fn for_cloud(cloud: Cloud) -> Self {
        Self {
            cloud,
            login: cloud.login_url().to_owned(),
            graph: cloud.graph_url().to_owned(),
            non_gallery_template_id: cloud.non_gallery_template_id().to_owned(),
        }
    }

    /// Overrides the login root (the sandbox, a proxy, a sovereign cloud).
    pub fn with_login(mut self, login: &Url) -> Self {
        self.login = login.as_str().trim_end_matches('/').to_owned();
        self
    }

    /// Overrides the Graph root.
    pub fn with_graph(mut self, graph: &Url) -> Self {
        self.graph = graph.as_str().trim_end_matches('/').to_owned();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_go_over_https_or_stay_on_this_computer() {
        let check = |text: &str| check_endpoint(&Url::parse(text).unwrap());
        assert_eq!(check("https://login.example.org"), Ok(()));
        for local in [
            "http://127.0.0.1:8080/login",
            "http://localhost:1",
            "http://[::1]:9/graph",
        ] {
            assert_eq!(check(local), Ok(()), "{local}");
        }
        for remote in [
            "http://login.microsoftonline.com",
            "http://10.0.0.5/graph",
            "http://127.0.0.1.example.com",
        ] {
            assert_eq!(
                check(remote),
                Err(EndpointProblem::PlainHttpOffLoopback),
                "{remote}"
            );
        }
        assert_eq!(
            check("ftp://graph.microsoft.com"),
            Err(EndpointProblem::NotHttp)
        );
        assert_eq!(
            check("mailto:admin@example.org"),
            Err(EndpointProblem::NotHttp)
        );
    }

    #[test]
    fn only_the_clouds_own_hosts_are_known() {
        for cloud in Cloud::ALL {
            for url in [cloud.login_url(), cloud.graph_url()] {
                assert_eq!(
                    unknown_microsoft_host(&Url::parse(url).unwrap()),
                    None,
                    "{url}"
                );
            }
        }
        let unknown = |text: &str| unknown_microsoft_host(&Url::parse(text).unwrap());
        assert_eq!(
            unknown("https://login.micros0ftonline.com/x"),
            Some("login.micros0ftonline.com".to_owned())
        );
        assert_eq!(
            unknown("http://127.0.0.1:9/graph"),
            Some("127.0.0.1".to_owned())
        );
        assert_eq!(unknown("https://GRAPH.microsoft.com"), None);
    }

    #[test]
    fn presets_parse_and_differ() {
        for cloud in Cloud::ALL {
            let endpoints = Endpoints::for_cloud(cloud);
            assert!(url::Url::parse(&endpoints.login).is_ok());
            assert!(url::Url::parse(&endpoints.graph).is_ok());
            assert!(url::Url::parse(cloud.portal_url()).is_ok());
        }
        assert_ne!(
            Cloud::Global.non_gallery_template_id(),
            Cloud::UsGov.non_gallery_template_id()
        );
        assert_eq!("usgov".parse::<Cloud>(), Ok(Cloud::UsGov));
        assert!("mars".parse::<Cloud>().is_err());
    }
}

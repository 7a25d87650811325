//! The vault against a real Secret Service. `make test` runs these inside `tests/session.sh`
//! (a private D-Bus session with gnome-keyring unlocked); plain `cargo test` skips them.

// Helper functions in a test file are test code too (clippy.toml only covers #[test] bodies).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use scim_wizard_setup::{ExposeSecret, Secret, Vault, VaultError};

fn unique_service() -> String {
    format!(
        "scim-wizard-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn vault() -> Vault {
    Vault::open_native_with_service(&unique_service())
        .expect("a Secret Service must be running: run through tests/session.sh")
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn store_read_delete_round_trip() {
    let vault = vault();
    vault.probe().unwrap();
    assert!(vault.read("scim-token:org-1").unwrap().is_none());

    vault
        .store("scim-token:org-1", &Secret::from("first-value".to_owned()))
        .unwrap();
    assert_eq!(
        vault
            .read("scim-token:org-1")
            .unwrap()
            .unwrap()
            .expose_secret(),
        "first-value"
    );

    vault
        .store("scim-token:org-1", &Secret::from("second-value".to_owned()))
        .unwrap();
    assert_eq!(
        vault
            .read("scim-token:org-1")
            .unwrap()
            .unwrap()
            .expose_secret(),
        "second-value"
    );

    assert!(vault.delete("scim-token:org-1").unwrap());
    assert!(!vault.delete("scim-token:org-1").unwrap());
    assert!(vault.read("scim-token:org-1").unwrap().is_none());
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn long_secrets_are_split_and_joined_back() {
    let vault = vault();
    let long: String = (0..5000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    vault
        .store("refresh:tenant", &Secret::from(long.clone()))
        .unwrap();
    assert_eq!(
        vault
            .read("refresh:tenant")
            .unwrap()
            .unwrap()
            .expose_secret(),
        long
    );

    // Replacing a long value with a short one leaves no orphan parts behind.
    vault
        .store("refresh:tenant", &Secret::from("short".to_owned()))
        .unwrap();
    assert_eq!(
        vault
            .read("refresh:tenant")
            .unwrap()
            .unwrap()
            .expose_secret(),
        "short"
    );
    assert!(vault.read("refresh:tenant#1").unwrap().is_none());
    assert_eq!(
        vault.accounts().unwrap(),
        ["refresh:tenant"],
        "no part is left"
    );

    vault
        .store("refresh:tenant", &Secret::from(long.clone()))
        .unwrap();
    assert_eq!(
        vault.accounts().unwrap().len(),
        1 + 5,
        "the head and five parts"
    );
    // Rewritten: the new parts replace the old ones, none of which is left.
    vault
        .store("refresh:tenant", &Secret::from(long.to_uppercase()))
        .unwrap();
    assert_eq!(vault.accounts().unwrap().len(), 1 + 5);
    assert!(vault.delete("refresh:tenant").unwrap());
    assert!(vault.read("refresh:tenant#1").unwrap().is_none());
    assert!(vault.read("refresh:tenant").unwrap().is_none());
    assert_eq!(vault.accounts().unwrap(), Vec::<String>::new());
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn two_writers_and_a_reader_never_see_parts_of_two_values() {
    // Two values of different lengths (three parts and two): a read made while the other is
    // being written must give one of them whole, never the first parts of one and the last of
    // the other.
    let vault = vault();
    let three: String = "a".repeat(3 * 1200 - 7);
    let two: String = "b".repeat(2 * 1200 - 3);
    vault
        .store("refresh:race", &Secret::from(three.clone()))
        .unwrap();
    let writers: Vec<_> = [three.clone(), two.clone()]
        .into_iter()
        .map(|value| {
            let vault = vault.clone();
            std::thread::spawn(move || {
                for _ in 0..15 {
                    vault
                        .store("refresh:race", &Secret::from(value.clone()))
                        .unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let vault = vault.clone();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for _ in 0..60 {
                seen.push(
                    vault
                        .read("refresh:race")
                        .map(|v| v.map(|s| s.expose_secret().to_owned())),
                );
            }
            seen
        })
    };
    for writer in writers {
        writer.join().unwrap();
    }
    // Two writers in one process race inside the Secret Service itself (its "find the item,
    // else create it" is not atomic), so a read may fail now and then; the app never has two
    // writers of one entry (the setup's lock). What a read gives must be whole.
    let reads = reader.join().unwrap();
    let whole: Vec<String> = reads.into_iter().filter_map(Result::ok).flatten().collect();
    assert!(
        whole.len() >= 30,
        "only {} of 60 reads gave a value",
        whole.len()
    );
    for value in whole {
        assert!(
            value == three || value == two,
            "a spliced value of {} characters",
            value.len()
        );
    }
    let last = vault.read("refresh:race").unwrap().unwrap();
    assert!(last.expose_secret() == three || last.expose_secret() == two);
    assert!(vault.delete("refresh:race").unwrap());
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn entries_are_separate_per_account() {
    let vault = vault();
    vault
        .store("scim-token:a", &Secret::from("value-a".to_owned()))
        .unwrap();
    vault
        .store("scim-token:b", &Secret::from("value-b".to_owned()))
        .unwrap();
    assert_eq!(
        vault.read("scim-token:a").unwrap().unwrap().expose_secret(),
        "value-a"
    );
    assert_eq!(
        vault.read("scim-token:b").unwrap().unwrap().expose_secret(),
        "value-b"
    );
    vault.delete("scim-token:a").unwrap();
    vault.delete("scim-token:b").unwrap();
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn a_missing_keychain_is_a_clear_error_not_a_file() {
    // Point a child process at a bus that does not exist: the vault must refuse, not fall back.
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            "child_opens_vault_without_a_bus",
            "--nocapture",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/scim-wizard-bus",
        )
        .env("SCIM_WIZARD_VAULT_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("VAULT-REFUSED keychain_unavailable"),
        "{stdout}"
    );
}

#[test]
#[ignore = "helper of a_missing_keychain_is_a_clear_error_not_a_file"]
fn child_opens_vault_without_a_bus() {
    if std::env::var_os("SCIM_WIZARD_VAULT_CHILD").is_none() {
        return;
    }
    let outcome = Vault::open_native_with_service(&unique_service())
        .and_then(|vault| vault.store("x", &Secret::from("y".to_owned())));
    match outcome {
        Err(error @ (VaultError::Unavailable { .. } | VaultError::Locked { .. })) => {
            println!("VAULT-REFUSED {}", error.code().as_str());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Off the async runtime: the same results from async code, on both runtime flavours.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn the_async_forms_give_the_same_results_off_the_runtime() {
    let vault = Vault::open_native_with_service_async(&unique_service())
        .await
        .expect("a Secret Service must be running: run through tests/session.sh");
    vault.probe_async().await.unwrap();
    assert!(
        vault
            .read_async("scim-token:org-1")
            .await
            .unwrap()
            .is_none()
    );
    // Long enough to be split in parts: the chunking happens on the blocking thread too.
    let long = "t".repeat(3000);
    vault
        .store_async("scim-token:org-1", &Secret::from(long.clone()))
        .await
        .unwrap();
    assert_eq!(
        vault
            .read_async("scim-token:org-1")
            .await
            .unwrap()
            .unwrap()
            .expose_secret(),
        long
    );
    // What one form writes, the other reads.
    assert_eq!(
        vault
            .read("scim-token:org-1")
            .unwrap()
            .unwrap()
            .expose_secret(),
        long
    );
    assert!(vault.delete_async("scim-token:org-1").await.unwrap());
    assert!(!vault.delete_async("scim-token:org-1").await.unwrap());
    assert!(vault.read("scim-token:org-1#1").unwrap().is_none());
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn the_refresh_token_store_works_from_async_code_on_both_runtime_flavours() {
    use scim_wizard_entra::auth::RefreshTokenStore;
    use scim_wizard_setup::KeychainRefreshTokenStore;

    let current_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let multi_thread = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for runtime in [current_thread, multi_thread] {
        let store = KeychainRefreshTokenStore::new(vault());
        // In a spawned task, as the Entra session calls it: on a worker thread of the runtime.
        let task = async move {
            let key = "entra-refresh-token/tenant/client";
            assert!(store.load(key).unwrap().is_none());
            store.save(key, &Secret::from("r".repeat(2600))).unwrap();
            let loaded = store.load(key).unwrap().unwrap();
            store.delete(key).unwrap();
            store.delete(key).unwrap();
            (
                loaded.expose_secret().len(),
                store.load(key).unwrap().is_none(),
            )
        };
        let outcome = runtime.block_on(async { tokio::spawn(task).await });
        assert_eq!(outcome.unwrap(), (2600, true));
    }
}

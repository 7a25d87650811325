//! OData query helpers: string literals and query-string encoding.

/// An OData string literal: wrapped in single quotes, an inner `'` doubled (`O'Brien` →
/// `'O''Brien'`). This is the only escaping OData string literals have; the result still has to
/// be percent-encoded in the URL ([`percent_encode_query_value`]).
pub fn odata_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Percent-encodes a query value: everything but RFC 3986 unreserved characters, so a space is
/// `%20` (never `+`, which OData would not read as a space), `'` is `%27`, `&`/`#`/`=` are safe.
pub fn percent_encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(odata_string("Scaleway SCIM"), "'Scaleway SCIM'");
        assert_eq!(odata_string("O'Brien"), "'O''Brien'");
        assert_eq!(odata_string("''"), "''''''");
        assert_eq!(odata_string(""), "''");
        assert_eq!(
            format!("displayName eq {}", odata_string("it's 'x'")),
            "displayName eq 'it''s ''x'''"
        );
    }

    #[test]
    fn query_values_are_fully_encoded() {
        assert_eq!(
            percent_encode_query_value("displayName eq 'a&b#c=d+e'"),
            "displayName%20eq%20%27a%26b%23c%3Dd%2Be%27"
        );
        assert_eq!(percent_encode_query_value("é"), "%C3%A9");
        assert_eq!(percent_encode_query_value("a-b.c_d~e"), "a-b.c_d~e");
    }

    #[test]
    fn encoded_filters_decode_back() {
        let filter = format!(
            "displayName eq {}",
            odata_string("Scaleway SCIM (O'Neil) & co")
        );
        let encoded = percent_encode_query_value(&filter);
        let decoded: Vec<(String, String)> =
            url::form_urlencoded::parse(format!("$filter={encoded}").as_bytes())
                .into_owned()
                .collect();
        assert_eq!(decoded, vec![("$filter".to_owned(), filter)]);
    }
}

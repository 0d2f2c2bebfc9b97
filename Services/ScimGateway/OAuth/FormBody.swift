import Foundation
import HTTPTypes
import ScimCore

/// `application/x-www-form-urlencoded` (the OAuth token request's body), with RFC 6749's rule that a
/// parameter may appear at most once. Values are never logged.
enum FormBody {
    enum Failure: Error, Equatable {
        case malformed
        case repeated(String)
    }

    static func parse(_ data: Data) throws(Failure) -> [String: String] {
        guard let text = String(data: data, encoding: .utf8) else { throw .malformed }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { throw .malformed }
            guard fields[name] == nil else { throw .repeated(name) }
            fields[name] = value
        }
        return fields
    }

    /// `+` is a space, then percent-decoding.
    static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
enum BasicCredentials {
    /// nil when there is no Basic header; `.failure` when it is malformed.
    static func from(header: String?) -> Result<(id: String, secret: String), FormBody.Failure>? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingSpaces()),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = FormBody.decode(text[..<colon]), let secret = FormBody.decode(text[text.index(after: colon)...])
        else { return .failure(.malformed) }
        return .success((id, secret))
    }
}

extension HTTPField.Name {
    /// `Pragma: no-cache` accompanies `Cache-Control: no-store` on token answers (RFC 6749 §5.1).
    static var pragma: Self { Self("Pragma")! }
}

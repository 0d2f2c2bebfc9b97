import ScimCore

/// A request body or an error answer as the provisioning log keeps it: no password, no token or secret in any form,
/// at most ``maximumBytes`` of text (README "Provisioning log").
///
/// The value of any attribute whose name holds `password`, `secret`, `token`, `credential`, `apikey`/`api_key` (any
/// case, at any depth) becomes `"[redacted]"`, and so does the `value` of a SCIM PATCH operation whose `path` names
/// such an attribute, and any string that looks like a credential (``CredentialPattern``). The walk is bounded before
/// it starts: at most ``maximumDepth`` levels and ``maximumNodes`` values are written, and writing stops once the
/// text passes ``maximumBytes``; what is cut is marked, and the result is always valid UTF-8 text.
package enum ProvisioningRedaction {
    package static let maximumBytes = 8_192
    package static let maximumDepth = 64
    package static let maximumNodes = 10_000
    package static let redacted = "[redacted]"
    package static let truncationMarker = "…[truncated]"

    /// Name fragments (lowercased) that make an attribute's value secret.
    static let sensitiveNames = ["password", "secret", "token", "credential", "apikey", "api_key", "api-key"]
    private static let sensitiveNeedles = sensitiveNames.map { Array($0.utf8) }

    /// The JSON text of `value`, redacted and capped.
    package static func redact(_ value: JSONValue) -> String {
        var walk = RedactingWriter()
        walk.write(value, depth: 0)
        return walk.finish()
    }

    /// A body that is not JSON is never stored as it came: only its size.
    package static func placeholder(notJSONBytes count: Int) -> String {
        "[not JSON, \(count) bytes]"
    }

    /// Whether `text` looks like a credential as the log keeps it: as it is, or as JSON writes it, where a control
    /// character becomes an escape whose letter can complete a pattern (`"B\u{8}earer abcdefghijkl"` is written
    /// `"B\\bearer abcdefghijkl"`).
    package static func looksLikeCredential(_ text: String) -> Bool {
        if CredentialPattern.containsCredential(text) { return true }
        guard text.utf8.contains(where: { $0 < 0x20 }) else { return false }
        var escaped = JSONWriter(capacity: text.utf8.count + 16)
        escaped.write(.string(text))
        return CredentialPattern.containsCredential(String(decoding: escaped.bytes, as: UTF8.self))
    }

    /// A free text (an error's detail) with credential-looking words redacted and capped like a body.
    package static func redact(text: String) -> String {
        let cleaned = looksLikeCredential(text) ? redacted : text
        return cap(cleaned)
    }

    /// Whether an attribute named `name` holds a secret (`password`, `urn:…:User:password`, `clientSecret`, `apiKey`).
    /// One pass over the name's bytes, ASCII letters compared without case (this runs for every key of every logged
    /// body: `String.lowercased().contains` was most of the cost of a redaction).
    package static func isSensitive(name: String) -> Bool {
        guard name.utf8.count >= 5 else { return false }  // the shortest fragment, "token", has 5
        var name = name
        return name.withUTF8 { bytes in
            for start in bytes.indices {
                for needle in sensitiveNeedles where matchesIgnoringCase(needle, bytes, at: start) { return true }
            }
            return false
        }
    }

    /// Whether a name is `path` (any case), the key of a PATCH operation's target.
    static func isPath(_ name: String) -> Bool {
        guard name.utf8.count == 4 else { return false }
        var name = name
        return name.withUTF8 { matchesIgnoringCase(pathNeedle, $0, at: 0) }
    }

    /// Whether a name is `value` (any case).
    static func isValue(_ name: String) -> Bool {
        guard name.utf8.count == 5 else { return false }
        var name = name
        return name.withUTF8 { matchesIgnoringCase(valueNeedle, $0, at: 0) }
    }

    private static let pathNeedle = Array("path".utf8)
    private static let valueNeedle = Array("value".utf8)

    /// `needle` (lowercase ASCII) at `start` of `bytes`, ASCII letters of `bytes` compared without case.
    private static func matchesIgnoringCase(_ needle: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + needle.count <= bytes.count else { return false }
        for offset in needle.indices {
            var byte = bytes[start + offset]
            if byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
            if byte != needle[offset] { return false }
        }
        return true
    }

    /// `text` cut to ``maximumBytes`` on a character boundary, with ``truncationMarker`` when cut.
    static func cap(_ text: String) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        return cut(Array(text.utf8))
    }

    /// The longest prefix of `bytes` that leaves room for the marker and ends on a UTF-8 boundary, then the marker.
    static func cut(_ bytes: [UInt8]) -> String {
        var end = min(bytes.count, maximumBytes - truncationMarker.utf8.count)
        // Back up over continuation bytes (10xxxxxx) so that no character is split.
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[0..<end], as: UTF8.self) + truncationMarker
    }
}

/// Writes a JSON value with secrets replaced, stopping at the size, depth and node limits.
private struct RedactingWriter {
    private var writer = JSONWriter(capacity: 1_024)
    private var nodes = 0
    private var truncated = false

    /// Whether writing must stop: past the size or node budget.
    private var isFull: Bool {
        truncated || writer.bytes.count > ProvisioningRedaction.maximumBytes || nodes >= ProvisioningRedaction.maximumNodes
    }

    mutating func write(_ value: JSONValue, depth: Int) {
        guard !isFull else {
            truncated = true
            return
        }
        nodes += 1
        switch value {
        case .null, .bool, .number:
            writer.write(value)
        case .string(let text):
            writer.write(.string(ProvisioningRedaction.looksLikeCredential(text) ? ProvisioningRedaction.redacted : text))
        case .array(let elements):
            guard depth < ProvisioningRedaction.maximumDepth else { return writer.write(.string("[too deep]")) }
            writer.appendByte(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                guard !isFull else {
                    truncated = true
                    break
                }
                if index > 0 { writer.appendByte(UInt8(ascii: ",")) }
                write(element, depth: depth + 1)
            }
            writer.appendByte(UInt8(ascii: "]"))
        case .object(let members):
            guard depth < ProvisioningRedaction.maximumDepth else { return writer.write(.string("[too deep]")) }
            writeObject(members, depth: depth)
        }
    }

    private mutating func writeObject(_ members: [String: JSONValue], depth: Int) {
        // A PATCH operation whose path names a secret attribute: its value is the secret.
        let secretPath = members.contains { key, value in
            ProvisioningRedaction.isPath(key) && value.stringValue.map(ProvisioningRedaction.isSensitive(name:)) == true
        }
        writer.appendByte(UInt8(ascii: "{"))
        var first = true
        for key in members.keys.sorted() {
            guard !isFull else {
                truncated = true
                break
            }
            // A key that is itself a credential goes, with its value (two such keys would collide as "[redacted]").
            guard !ProvisioningRedaction.looksLikeCredential(key) else { continue }
            if !first { writer.appendByte(UInt8(ascii: ",")) }
            first = false
            writer.writeKey(key)
            if ProvisioningRedaction.isSensitive(name: key) || (secretPath && ProvisioningRedaction.isValue(key)) {
                nodes += 1
                writer.write(.string(ProvisioningRedaction.redacted))
            } else if let value = members[key] {
                write(value, depth: depth + 1)
            }
        }
        writer.appendByte(UInt8(ascii: "}"))
    }

    func finish() -> String {
        let bytes = writer.bytes
        guard truncated || bytes.count > ProvisioningRedaction.maximumBytes else { return String(decoding: bytes, as: UTF8.self) }
        return ProvisioningRedaction.cut(bytes)
    }
}

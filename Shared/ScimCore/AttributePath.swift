/// A SCIM attribute path (RFC 7644 §3.10): `[schemaURN ":"] attribute ["." subAttribute]`.
///
/// Examples: `userName`, `name.givenName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
/// Names are kept as written; comparisons against the schema are case-insensitive (see `SchemaRegistry.resolve`).
package struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN when the path is URN-qualified, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
    package var schemaURN: String?
    /// The attribute name as written.
    package var attribute: String
    /// The sub-attribute name as written, for `name.givenName`-style paths.
    package var subAttribute: String?

    package init(schemaURN: String? = nil, attribute: String, subAttribute: String? = nil) {
        self.schemaURN = schemaURN
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// Parses `attr`, `attr.sub`, `urn:…:attr` or `urn:…:attr.sub`.
    ///
    /// A URN-qualified path ends its URN at the **last** `:`; everything after it is `attr[.sub]`. That covers the
    /// enterprise extension as well as Entra's custom `urn:ietf:params:scim:schemas:extension:<App>:2.0:User:<attr>`.
    /// Attribute names follow RFC 7643 §2.1 (`ALPHA *(ALPHA / DIGIT / "-" / "_")`), plus `$ref`.
    /// Anything else is `invalidPath`.
    package init(parsing text: String) throws(ScimError) {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { throw .invalidPath("The attribute path is empty.") }
        var urn: String?
        var rest = Substring(trimmed)
        if trimmed.lowercased().hasPrefix("urn:") {
            guard let colon = trimmed.lastIndex(of: ":") else { throw .invalidPath("Invalid attribute path '\(text)'.") }
            let prefix = trimmed[..<colon]
            rest = trimmed[trimmed.index(after: colon)...]
            guard AttributePath.isValidURN(prefix) else {
                throw .invalidPath("Invalid schema URN '\(prefix)' in attribute path '\(text)'.")
            }
            urn = String(prefix)
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw .invalidPath("Attribute path '\(text)' has more than one sub-attribute level.")
        }
        guard AttributePath.isValidName(parts[0]) else {
            throw .invalidPath("Invalid attribute name '\(parts[0])' in attribute path '\(text)'.")
        }
        if parts.count == 2, !AttributePath.isValidName(parts[1]) {
            throw .invalidPath("Invalid sub-attribute name '\(parts[1])' in attribute path '\(text)'.")
        }
        self.init(schemaURN: urn, attribute: String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// `urn:…:attr.sub`, the same text `init(parsing:)` accepts.
    package var description: String {
        var text = schemaURN.map { $0 + ":" } ?? ""
        text += attribute
        if let subAttribute { text += "." + subAttribute }
        return text
    }

    /// This path without its sub-attribute (`emails.value` → `emails`).
    package var parent: AttributePath { AttributePath(schemaURN: schemaURN, attribute: attribute) }

    /// This path with `subAttribute` appended (`emails` → `emails.value`).
    package func appending(subAttribute name: String) -> AttributePath {
        AttributePath(schemaURN: schemaURN, attribute: attribute, subAttribute: name)
    }
}

extension AttributePath {
    /// RFC 7643 §2.1 `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA`, plus the `$ref` name.
    package static func isValidName<S: StringProtocol>(_ name: S) -> Bool {
        if name == "$ref" { return true }
        guard let first = name.unicodeScalars.first, first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "-" || $0 == "_" }
    }

    /// A loose URN check: `urn:` followed by colon-separated non-empty segments of URN-safe characters.
    static func isValidURN<S: StringProtocol>(_ urn: S) -> Bool {
        guard urn.lowercased().hasPrefix("urn:"), urn.count > 4 else { return false }
        let segments = urn.split(separator: ":", omittingEmptySubsequences: false)
        guard segments.count >= 3, !segments.contains(where: \.isEmpty) else { return false }
        return urn.unicodeScalars.allSatisfy {
            $0.isASCIILetter || $0.isASCIIDigit || "-._:~%+()!*',;=$@".unicodeScalars.contains($0)
        }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

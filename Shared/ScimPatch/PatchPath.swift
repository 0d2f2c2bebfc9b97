import Foundation
import ScimCore
import ScimFilter

/// The `path` of a PATCH operation (RFC 7644 §3.5.2, ABNF `PATH = attrPath / valuePath [subAttr]`).
///
/// | text                                                           | attribute                  | valueFilter         | subAttribute |
/// |----------------------------------------------------------------|----------------------------|---------------------|--------------|
/// | `name.givenName`                                               | `name.givenName`           | –                   | –            |
/// | `emails[type eq "work"].value`                                 | `emails`                   | `type eq "work"`    | `value`      |
/// | `members[value eq "x"]`                                        | `members`                  | `value eq "x"`      | –            |
/// | `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` | `manager.value` (URN-qualified) | – | –   |
///
/// A dotted path keeps its sub-attribute in `attribute.subAttribute`; `subAttribute` is only the part after `]`.
/// Use ``targetSubAttribute`` for "whichever of the two".
package struct PatchPath: Sendable, Hashable {
    package var attribute: AttributePath
    package var valueFilter: FilterExpression?
    package var subAttribute: String?

    package init(attribute: AttributePath, valueFilter: FilterExpression? = nil, subAttribute: String? = nil) {
        self.attribute = attribute
        self.valueFilter = valueFilter
        self.subAttribute = subAttribute
    }

    /// Parses a path; anything malformed (including a malformed value filter) is `invalidPath`.
    package init(parsing text: String) throws(ScimError) {
        let text = text.trimmingSpaces()
        guard !text.isEmpty else { throw ScimError.invalidPath("The PATCH path is empty.") }
        guard let open = text.firstIndex(of: "[") else {
            guard !text.contains("]") else { throw ScimError.invalidPath("Unbalanced ']' in path '\(text)'.") }
            self.init(attribute: try Self.attributePath(text, in: text))
            return
        }
        let close = try Self.matchingBracket(in: text, from: open)
        let head = String(text[..<open]).trimmingSpaces()
        let filterText = String(text[text.index(after: open)..<close]).trimmingSpaces()
        let tail = text[text.index(after: close)...]

        let attribute = try Self.attributePath(head, in: text)
        guard attribute.subAttribute == nil else {
            throw ScimError.invalidPath("A value filter must follow a top-level attribute in '\(text)'.")
        }
        guard !filterText.isEmpty else { throw ScimError.invalidPath("Empty value filter in path '\(text)'.") }
        let filter: FilterExpression
        do throws(ScimError) {
            filter = try FilterParser.parse(filterText)
        } catch {
            throw ScimError.invalidPath("Invalid value filter in path '\(text)': \(error.detail)")
        }
        var subAttribute: String?
        if !tail.isEmpty {
            let name = tail.dropFirst()
            guard tail.first == ".", AttributePath.isValidName(name) else {
                throw ScimError.invalidPath("Unexpected '\(tail)' after the value filter in path '\(text)'.")
            }
            subAttribute = String(name)
        }
        self.init(attribute: attribute, valueFilter: filter, subAttribute: subAttribute)
    }

    /// The sub-attribute the path ends in: after the filter (`emails[…].value`) or dotted (`name.givenName`).
    package var targetSubAttribute: String? { subAttribute ?? attribute.subAttribute }

    private static func attributePath(_ text: String, in whole: String) throws(ScimError) -> AttributePath {
        guard !text.isEmpty else { throw ScimError.invalidPath("Path '\(whole)' names no attribute.") }
        do throws(ScimError) {
            let path = try AttributePath(parsing: text)
            guard !path.attribute.isEmpty else { throw ScimError.invalidPath("Path '\(whole)' names no attribute.") }
            return path
        } catch {
            throw ScimError.invalidPath("Invalid attribute path '\(whole)': \(error.detail)")
        }
    }

    /// The `]` closing the `[` at `open`, skipping quoted strings (which may contain brackets and `\"`).
    private static func matchingBracket(in text: String, from open: String.Index) throws(ScimError) -> String.Index {
        var inString = false
        var escaped = false
        var index = text.index(after: open)
        while index < text.endIndex {
            let character = text[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "[" {
                throw ScimError.invalidPath("Nested value filters are not allowed in path '\(text)'.")
            } else if character == "]" {
                return index
            }
            index = text.index(after: index)
        }
        throw ScimError.invalidPath("Unterminated value filter in path '\(text)'.")
    }
}

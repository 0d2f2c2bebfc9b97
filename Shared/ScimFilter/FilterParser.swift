import ScimCore

/// Parses SCIM filter text (RFC 7644 §3.4.2.2) into a `FilterExpression`.
///
/// Grammar (precedence `not` > `and` > `or`, both logical operators left-associative):
/// ```
/// filter    = or
/// or        = and *("or" and)
/// and       = unary *("and" unary)
/// unary     = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath
/// attrExp   = attrPath "pr" / attrPath compareOp compValue
/// valuePath = attrPath "[" filter "]" [ "." subAttr ( "pr" / compareOp compValue ) ]
/// ```
/// Operators, `and`/`or`/`not` and `true`/`false`/`null` are case-insensitive. Strings are JSON strings
/// (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX` incl. surrogate pairs).
///
/// A value must be a quoted string, a JSON number, `true`, `false` or `null`: a bare word (`userName eq admin`) is
/// `invalidFilter`, as the RFC grammar has it (Entra's documentation shows `externalId eq jyoung`, but Entra sends
/// quoted values).
///
/// Leniencies, on purpose:
/// - **`attr[filter].sub op value`** (Entra: `emails[type eq "work"].value eq "x"`) becomes
///   `attr[filter and sub op value]`.
/// - Any run of whitespace separates tokens, and none is required around brackets, parentheses and quotes.
///
/// Nested value filters (`a[b[c eq 1]]`) are rejected, as in the RFC grammar. Every error is `invalidFilter` with a
/// detail naming the 1-based character position.
///
/// The work is bounded before it starts: the text's length is checked before it is tokenized, nesting while it is
/// parsed, and the number of comparisons as each one is read; chains of `and`/`or` become one n-ary node each.
package enum FilterParser {
    /// Deepest nesting of parentheses / `not` / brackets accepted; deeper filters are `invalidFilter`, not a crash.
    package static let maximumDepth = 64
    /// Longest filter text accepted, in UTF-8 bytes.
    package static let maximumLength = 65_536
    /// Most comparisons (`attr op value`, `attr pr`) in one filter.
    package static let maximumTerms = 1_000

    package static func parse(_ text: String) throws(ScimError) -> FilterExpression {
        guard text.utf8.count <= maximumLength else {
            throw .invalidFilter("The filter is \(text.utf8.count) bytes long; at most \(maximumLength) are accepted.")
        }
        let tokens = try FilterLexer.tokenize(text)
        var parser = Parser(tokens: tokens)
        guard parser.peek.kind != .end else { throw .invalidFilter("The filter is empty.") }
        let expression = try parser.parseOr(depth: 0, inValuePath: false)
        guard parser.peek.kind == .end else {
            throw .invalidFilter(
                "Unexpected \(parser.peek.kind.summary) at position \(parser.peek.position); expected 'and', 'or' or the end of the filter."
            )
        }
        return expression
    }
}

// MARK: - Parser

private struct Parser {
    let tokens: [FilterToken]
    var index = 0
    var terms = 0

    init(tokens: [FilterToken]) { self.tokens = tokens }

    /// Counts one more comparison, refusing the filter once it has more than `FilterParser.maximumTerms`.
    mutating func countTerm(at position: Int) throws(ScimError) {
        terms += 1
        guard terms <= FilterParser.maximumTerms else {
            throw .invalidFilter("The filter has more than \(FilterParser.maximumTerms) comparisons (the limit is reached at position \(position)).")
        }
    }

    var peek: FilterToken { tokens[index] }
    mutating func advance() -> FilterToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func isKeyword(_ token: FilterToken, _ keyword: String) -> Bool {
        if case .word(let word) = token.kind { return word.caseInsensitiveEquals(keyword) }
        return false
    }

    mutating func parseOr(depth: Int, inValuePath: Bool) throws(ScimError) -> FilterExpression {
        guard depth <= FilterParser.maximumDepth else {
            throw .invalidFilter("The filter nests deeper than \(FilterParser.maximumDepth) levels.")
        }
        var operands = [try parseAnd(depth: depth, inValuePath: inValuePath)]
        while isKeyword(peek, "or") {
            _ = advance()
            operands.append(try parseAnd(depth: depth, inValuePath: inValuePath))
        }
        return .combining(.or, operands)
    }

    mutating func parseAnd(depth: Int, inValuePath: Bool) throws(ScimError) -> FilterExpression {
        var operands = [try parseUnary(depth: depth, inValuePath: inValuePath)]
        while isKeyword(peek, "and") {
            _ = advance()
            operands.append(try parseUnary(depth: depth, inValuePath: inValuePath))
        }
        return .combining(.and, operands)
    }

    mutating func parseUnary(depth: Int, inValuePath: Bool) throws(ScimError) -> FilterExpression {
        let token = advance()
        switch token.kind {
        case .leftParen:
            let inner = try parseOr(depth: depth + 1, inValuePath: inValuePath)
            try expect(.rightParen, closing: "(", at: token.position)
            return inner
        case .word(let word) where word.caseInsensitiveEquals("not"):
            let open = advance()
            guard open.kind == .leftParen else {
                throw .invalidFilter("Expected '(' after 'not' at position \(token.position), found \(open.kind.summary).")
            }
            let inner = try parseOr(depth: depth + 1, inValuePath: inValuePath)
            try expect(.rightParen, closing: "(", at: open.position)
            return .not(inner)
        case .word(let word) where word.caseInsensitiveEquals("and") || word.caseInsensitiveEquals("or"):
            throw .invalidFilter("Expected an attribute path at position \(token.position), found '\(word)'.")
        case .word(let word):
            let path = try Self.path(word, at: token.position)
            if peek.kind == .leftBracket {
                let open = advance()
                guard !inValuePath else {
                    throw .invalidFilter("Nested value filter '[' at position \(open.position) is not allowed.")
                }
                guard path.subAttribute == nil else {
                    throw .invalidFilter(
                        "A value filter needs a multi-valued or complex attribute, not the sub-attribute '\(path)' (position \(token.position))."
                    )
                }
                let inner = try parseOr(depth: depth + 1, inValuePath: true)
                try expect(.rightBracket, closing: "[", at: open.position)
                // Entra: `emails[type eq "work"].value eq "x"`.
                if case .word(let next) = peek.kind, next.hasPrefix(".") {
                    let subToken = advance()
                    let name = String(next.dropFirst())
                    guard AttributePath.isValidName(name) else {
                        throw .invalidFilter("Invalid sub-attribute '\(next)' after ']' at position \(subToken.position).")
                    }
                    let comparison = try parseComparison(AttributePath(attribute: name), after: subToken)
                    return .valuePath(path, .and(inner, comparison))
                }
                return .valuePath(path, inner)
            }
            return try parseComparison(path, after: token)
        case .end:
            throw .invalidFilter("Unexpected end of filter at position \(token.position); expected an attribute path, '(' or 'not'.")
        default:
            throw .invalidFilter("Expected an attribute path at position \(token.position), found \(token.kind.summary).")
        }
    }

    /// `op value` or `pr` after an attribute path.
    mutating func parseComparison(_ path: AttributePath, after pathToken: FilterToken) throws(ScimError) -> FilterExpression {
        let opToken = advance()
        try countTerm(at: pathToken.position)
        guard case .word(let opWord) = opToken.kind else {
            if opToken.kind == .end {
                throw .invalidFilter("Missing operator after '\(path)' at position \(opToken.position).")
            }
            throw .invalidFilter("Expected an operator after '\(path)' at position \(opToken.position), found \(opToken.kind.summary).")
        }
        guard let op = CompareOperator(rawValue: opWord) ?? CompareOperator(rawValue: opWord.lowercased()) else {
            throw .invalidFilter(
                "Unknown operator '\(opWord)' at position \(opToken.position); expected one of eq, ne, co, sw, ew, gt, ge, lt, le, pr."
            )
        }
        if op == .pr { return .compare(path, .pr, nil) }
        let valueToken = advance()
        let missing = "Missing comparison value after '\(opWord)' at position \(valueToken.position)"
        switch valueToken.kind {
        case .string(let string):
            return .compare(path, op, .string(string))
        case .word(let word):
            switch word.lowercased() {
            case "true": return .compare(path, op, .bool(true))
            case "false": return .compare(path, op, .bool(false))
            case "null": return .compare(path, op, .null)
            case "and", "or", "not": throw .invalidFilter("\(missing), found '\(word)'.")
            default:
                if let number = Self.jsonNumber(word) {
                    // `1e400` reads as infinity, which no attribute holds and no store binds: refused, as JSONReader does.
                    guard number.isFinite else {
                        throw .invalidFilter("The number '\(word.prefix(64))' at position \(valueToken.position) is out of range.")
                    }
                    return .compare(path, op, .number(number))
                }
                // A bare word is no value in RFC 7644's grammar; reading it as a string would let a typo match (or
                // miss) silently, so it is refused with the fix in the detail.
                throw .invalidFilter(
                    "Expected a value after '\(opWord)' at position \(valueToken.position), found the bare word '\(word.prefix(64))'; a string value is quoted (\"…\"), other values are numbers, true, false or null."
                )
            }
        case .end:
            throw .invalidFilter("\(missing).")
        default:
            throw .invalidFilter("\(missing), found \(valueToken.kind.summary).")
        }
    }

    mutating func expect(_ kind: FilterToken.Kind, closing open: String, at openPosition: Int) throws(ScimError) {
        let token = advance()
        guard token.kind == kind else {
            let close = kind == .rightParen ? ")" : "]"
            throw .invalidFilter(
                "Missing '\(close)' for the '\(open)' at position \(openPosition); found \(token.kind.summary) at position \(token.position)."
            )
        }
    }

    static func path(_ word: String, at position: Int) throws(ScimError) -> AttributePath {
        do {
            return try AttributePath(parsing: word)
        } catch {
            throw .invalidFilter("Invalid attribute path '\(word)' at position \(position): \(error.detail)")
        }
    }

    /// A JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), or nil.
    static func jsonNumber(_ word: String) -> Double? {
        let s = Array(word.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < s.count, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < s.count, s[i] == 0x2D { i += 1 }
        let start = i
        guard digits() > 0 else { return nil }
        if s[start] == 0x30, i - start > 1 { return nil }
        if i < s.count, s[i] == 0x2E {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if i < s.count, s[i] == 0x65 || s[i] == 0x45 {
            i += 1
            if i < s.count, s[i] == 0x2B || s[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == s.count else { return nil }
        return Double(word)
    }
}

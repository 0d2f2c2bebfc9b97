import Foundation
import ScimCore
import Testing

@testable import ScimFilter

@Suite("FilterParser")
struct FilterParserTests {
    /// Every example filter of RFC 7644 §3.4.2.2, plus the IdP shapes of IDP-WIRE §2.
    static let rfcExamples = [
        #"userName eq "bjensen""#,
        #"name.familyName co "O'Malley""#,
        #"userName sw "J""#,
        #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        #"title pr"#,
        #"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        #"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        #"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        #"meta.lastModified le "2011-05-13T04:42:34Z""#,
        #"title pr and userType eq "Employee""#,
        #"title pr or userType eq "Intern""#,
        #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        #"userType eq "Employee" and (emails.type eq "work")"#,
        #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ]

    static let idpExamples = [
        #"userName eq "7f4b3c9e-0000-4000-8000-000000000000""#,
        #"externalId eq "4d2f8a3e-1111-4111-8111-111111111111""#,
        #"displayName eq "Tour Guides""#,
        #"emails[type eq "work"].value eq "bjensen@example.com""#,
        #"emails.value eq "bjensen@example.com""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Tour Operations""#,
        #"urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter eq "4130""#,
        #"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
    ]

    @Test(arguments: rfcExamples + idpExamples)
    func parsesAndRoundTrips(text: String) throws {
        let parsed = try FilterParser.parse(text)
        let printed = parsed.description
        #expect(try FilterParser.parse(printed) == parsed, "printed: \(printed)")
        #expect(parsed.description == printed)
    }

    @Test(arguments: rfcExamples)
    func rfcExamplesPrintAsWritten(text: String) throws {
        // The RFC examples are already in canonical form except for redundant parentheses.
        let expected = text.replacingOccurrences(of: #"and (emails.type eq "work")"#, with: #"and emails.type eq "work""#)
        #expect(try FilterParser.parse(text).description == expected)
    }

    @Test(
        arguments: [
            (#"userName eq "bjensen""#, FilterExpression.compare(.init(attribute: "userName"), .eq, "bjensen")),
            (#"USERNAME EQ "bjensen""#, .compare(.init(attribute: "USERNAME"), .eq, "bjensen")),
            ("title pr", .compare(.init(attribute: "title"), .pr, nil)),
            ("title PR", .compare(.init(attribute: "title"), .pr, nil)),
            ("active eq true", .compare(.init(attribute: "active"), .eq, true)),
            ("active Eq FALSE", .compare(.init(attribute: "active"), .eq, false)),
            ("title eq null", .compare(.init(attribute: "title"), .eq, .null)),
            ("x gt 42", .compare(.init(attribute: "x"), .gt, 42)),
            ("x le -1.5e3", .compare(.init(attribute: "x"), .le, -1500)),
            ("x ge 0.25", .compare(.init(attribute: "x"), .ge, 0.25)),
            // Escapes.
            (#"displayName eq "a\"b\\c\/d\u00e9\n""#, .compare(.init(attribute: "displayName"), .eq, "a\"b\\c/dé\n")),
            (#"displayName eq "\b\f\r\t""#, .compare(.init(attribute: "displayName"), .eq, "\u{08}\u{0C}\r\t")),
            (#"displayName eq "\ud83d\ude00""#, .compare(.init(attribute: "displayName"), .eq, "😀")),
            (#"displayName eq """#, .compare(.init(attribute: "displayName"), .eq, "")),
            (#"displayName eq "ünïcødé 日本""#, .compare(.init(attribute: "displayName"), .eq, "ünïcødé 日本")),
            // No spaces needed around quotes/brackets; any whitespace separates.
            ("userName eq\"x\"", .compare(.init(attribute: "userName"), .eq, "x")),
            ("userName\teq\n\"x\"", .compare(.init(attribute: "userName"), .eq, "x")),
            // Unicode white space separates too (no-break space, ideographic space); other non-ASCII text is a word.
            ("userName\u{00A0}eq\u{3000}\"x\"", .compare(.init(attribute: "userName"), .eq, "x")),
            ("externalId eq \"jürgen\"\u{2003}", .compare(.init(attribute: "externalId"), .eq, "jürgen")),
            (#"displayName eq "é\u00e9😀\ud83d\ude00 日本""#, .compare(.init(attribute: "displayName"), .eq, "éé😀😀 日本")),
            (
                #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#,
                .compare(.init(schemaURN: Fixtures.enterprise, attribute: "manager", subAttribute: "value"), .eq, "26118915")
            ),
        ] as [(String, FilterExpression)]
    )
    func parsesToExpectedTree(text: String, expected: FilterExpression) throws {
        #expect(try FilterParser.parse(text) == expected)
    }

    @Test func precedenceNotOverAndOverOr() throws {
        let a = FilterExpression.compare(.init(attribute: "a"), .pr, nil)
        let b = FilterExpression.compare(.init(attribute: "b"), .pr, nil)
        let c = FilterExpression.compare(.init(attribute: "c"), .pr, nil)
        #expect(try FilterParser.parse("a pr or b pr and c pr") == .or(a, .and(b, c)))
        #expect(try FilterParser.parse("a pr and b pr or c pr") == .or(.and(a, b), c))
        #expect(try FilterParser.parse("(a pr or b pr) and c pr") == .and(.or(a, b), c))
        #expect(try FilterParser.parse("not (a pr) and b pr") == .and(.not(a), b))
        #expect(try FilterParser.parse("NOT(a pr or b pr)") == .not(.or(a, b)))
        #expect(try FilterParser.parse("a pr AND b pr AND c pr") == .and(.and(a, b), c))
        // A parenthesized chain of the same operator joins the outer one (`or` is associative).
        #expect(try FilterParser.parse("a pr or (b pr or c pr)").description == "a pr or b pr or c pr")
        #expect(try FilterParser.parse("((a pr))") == a)
    }

    @Test func valuePaths() throws {
        let emails = AttributePath(attribute: "emails")
        let type = FilterExpression.compare(.init(attribute: "type"), .eq, "work")
        let value = FilterExpression.compare(.init(attribute: "value"), .eq, "x@example.com")
        #expect(try FilterParser.parse(#"emails[type eq "work"]"#) == .valuePath(emails, type))
        // Entra: `emails[type eq "work"].value eq "x"` ≡ `emails[type eq "work" and value eq "x"]`.
        #expect(try FilterParser.parse(#"emails[type eq "work"].value eq "x@example.com""#) == .valuePath(emails, .and(type, value)))
        #expect(try FilterParser.parse(#"emails[type eq "work"] .value eq "x@example.com""#) == .valuePath(emails, .and(type, value)))
        #expect(
            try FilterParser.parse(#"emails[type eq "work"].value pr"#)
                == .valuePath(emails, .and(type, .compare(.init(attribute: "value"), .pr, nil)))
        )
        #expect(
            try FilterParser.parse(#"emails[not (type eq "work") or value sw "x"]"#)
                == .valuePath(emails, .or(.not(type), .compare(.init(attribute: "value"), .sw, "x")))
        )
    }

    @Test(arguments: [
        ("", "empty"),
        ("   ", "empty"),
        ("userName", "Missing operator after 'userName' at position 9"),
        ("userName eq", "Missing comparison value after 'eq' at position 12"),
        (#"userName eq "x" and"#, "Unexpected end of filter at position 20"),
        (#"userName zz "x""#, "Unknown operator 'zz' at position 10"),
        (#"userName = "x""#, "Unknown operator '='"),
        (#"userName eq "x"#, "Unterminated string literal starting at position 13"),
        (#"userName eq "x" garbage"#, "Unexpected 'garbage' at position 17"),
        (#"userName eq "x" "y""#, "Unexpected string literal \"y\" at position 17"),
        (#"(userName eq "x""#, "Missing ')' for the '(' at position 1"),
        (#"userName eq "x")"#, "Unexpected ')' at position 16"),
        (#"emails[type eq "work""#, "Missing ']' for the '[' at position 7"),
        (#"emails type eq "work"]"#, "Unknown operator 'type'"),
        (#"emails[type eq "work"]]"#, "Unexpected ']' at position 23"),
        (#"emails[type eq "work"].value"#, "Missing operator after 'value'"),
        (#"emails[type eq "work"].1x eq "y""#, "Invalid sub-attribute '.1x'"),
        (#"emails[type[value eq "x"] eq "work"]"#, "Nested value filter"),
        (#"name.givenName[value eq "x"]"#, "not the sub-attribute"),
        (#"not userName eq "x""#, "Expected '(' after 'not' at position 1"),
        (#"userName eq "x" and or title pr"#, "Expected an attribute path at position 21, found 'or'"),
        (#"userName eq and"#, "Missing comparison value after 'eq' at position 13, found 'and'"),
        (#"userName eq )"#, "Missing comparison value after 'eq' at position 13, found ')'"),
        (#""userName" eq "x""#, "Expected an attribute path at position 1"),
        (#"1abc eq "x""#, "Invalid attribute path '1abc' at position 1"),
        (#"name.givenName.x eq "x""#, "Invalid attribute path"),
        (#"userName eq "\x""#, "Invalid escape '\\x'"),
        (#"userName eq "\u12""#, "Invalid \\u escape"),
        (#"userName eq "\ud83d""#, "Unpaired surrogate"),
        ("()", "Expected an attribute path at position 2, found ')'"),
        ("title pr pr", "Unexpected 'pr' at position 10"),
        // Positions count characters (Unicode scalars), not bytes.
        (#"displayName eq "日本" zz"#, "Unexpected 'zz' at position 21"),
        (#"displayName eq "日本\q""#, "Invalid escape '\\q' at position 19 in the string starting at position 16"),
        (#"displayName eq "é\é""#, "Invalid escape '\\é' at position 18"),
        (#"displayName eq "😀\u12""#, "Invalid \\u escape at position 18 in the string starting at position 16"),
        (#"displayName eq "é" and títle pr"#, "Invalid attribute path 'títle' at position 24"),
        (#"displayName eq "日本"#, "Unterminated string literal starting at position 16"),
        (#"displayName eq "日本" and"#, "Unexpected end of filter at position 24"),
        // A bare word is no value (the RFC grammar); quoting it is the fix the detail names.
        ("userName eq admin", "found the bare word 'admin'"),
        ("externalId eq jyoung", "a string value is quoted"),
        ("externalId eq a@b.example", "found the bare word 'a@b.example'"),
        ("externalId eq 01", "found the bare word '01'"),
        // Found by the fuzzer: a number beyond Double's range read as infinity, which printed as `inf`.
        ("d eq 2222222E2222", "The number '2222222E2222' at position 6 is out of range"),
        ("d lt -4.75e502", "is out of range"),
        ("displayName eq 日本 and", "found the bare word '日本'"),
    ])
    func rejectsMalformed(text: String, detail: String) {
        do {
            let parsed = try FilterParser.parse(text)
            Issue.record("parsed \(text) as \(parsed)")
        } catch {
            #expect(error.scimType == .invalidFilter)
            #expect(error.status == 400)
            #expect(error.detail.contains(detail), "detail: \(error.detail)")
        }
    }

    @Test func rejectsDeepNesting() {
        let deep = String(repeating: "(", count: 200) + "a pr" + String(repeating: ")", count: 200)
        #expect(throws: ScimError.invalidFilter("The filter nests deeper than 64 levels.")) { try FilterParser.parse(deep) }
        let deepNot = String(repeating: "not (", count: 100) + "a pr" + String(repeating: ")", count: 100)
        #expect(throws: ScimError.self) { try FilterParser.parse(deepNot) }
        let fine = String(repeating: "(", count: 30) + "a pr" + String(repeating: ")", count: 30)
        #expect(throws: Never.self) { try FilterParser.parse(fine) }
    }

    /// A flat chain is one n-ary node, so its depth does not grow with its length and every pass stays shallow.
    @Test func longChainsAreOneNode() throws {
        let terms = (0..<FilterParser.maximumTerms).map { #"userName eq "x\#($0)""# }
        let parsed = try FilterParser.parse(terms.joined(separator: " or "))
        guard case .logical(.or, let operands) = parsed else {
            Issue.record("not an or chain: \(parsed)")
            return
        }
        #expect(operands.count == FilterParser.maximumTerms)
        #expect(operands.allSatisfy { if case .compare = $0 { true } else { false } })
        #expect(try FilterParser.parse(parsed.description) == parsed)
        let mixed = try FilterParser.parse("a pr and b pr and c pr or d pr and e pr")
        #expect(mixed == .logical(.or, [.logical(.and, ["a", "b", "c"].map(Self.present)), .logical(.and, ["d", "e"].map(Self.present))]))
        // Parentheses around a chain of the same operator join it.
        #expect(try FilterParser.parse("(a pr or b pr) or (c pr or d pr)") == .logical(.or, ["a", "b", "c", "d"].map(Self.present)))
    }

    @Test func refusesTooManyTermsAndTooLongText() {
        let tooMany = (0...FilterParser.maximumTerms).map { #"userName eq "x\#($0)""# }.joined(separator: " or ")
        #expect(throws: ScimError.self) { try FilterParser.parse(tooMany) }
        do {
            _ = try FilterParser.parse(tooMany)
        } catch {
            #expect(error.scimType == .invalidFilter)
            #expect(error.detail.contains("more than \(FilterParser.maximumTerms) comparisons"))
        }
        // 100,000 terms: refused by length before a token is read.
        let huge = Array(repeating: #"userName eq "x""#, count: 100_000).joined(separator: " or ")
        do {
            _ = try FilterParser.parse(huge)
            Issue.record("a 100,000-term filter parsed")
        } catch {
            #expect(error.scimType == .invalidFilter)
            #expect(error.detail.contains("at most \(FilterParser.maximumLength) are accepted"))
        }
        // Within the length limit but past the term limit: `a pr or a pr …` is 8 bytes a term.
        let shortTerms = Array(repeating: "a pr", count: 5_000).joined(separator: " or ")
        #expect(throws: ScimError.self) { try FilterParser.parse(shortTerms) }
    }

    static func present(_ name: String) -> FilterExpression { .compare(.init(attribute: name), .pr, nil) }

    @Test(arguments: [
        FilterExpression.compare(.init(attribute: "displayName"), .eq, "quote\" backslash\\ tab\t ctrl\u{01} é"),
        .compare(.init(attribute: "n"), .gt, 1.5),
        .compare(.init(attribute: "n"), .lt, -3),
        .not(.or(.compare(.init(attribute: "a"), .pr, nil), .compare(.init(attribute: "b"), .eq, .null))),
        .and(.compare(.init(attribute: "a"), .pr, nil), .and(.compare(.init(attribute: "b"), .pr, nil), .compare(.init(attribute: "c"), .pr, nil))),
        .or(.compare(.init(attribute: "a"), .pr, nil), .or(.compare(.init(attribute: "b"), .pr, nil), .compare(.init(attribute: "c"), .pr, nil))),
        .valuePath(
            .init(attribute: "emails"),
            .or(.compare(.init(attribute: "type"), .eq, "work"), .not(.compare(.init(attribute: "primary"), .eq, true)))
        ),
    ])
    func printerRoundTrips(expression: FilterExpression) throws {
        #expect(try FilterParser.parse(expression.description) == expression, "printed: \(expression.description)")
    }
}

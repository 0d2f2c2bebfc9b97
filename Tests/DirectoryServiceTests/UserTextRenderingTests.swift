import InternalAPI
import ScimCore
import ScimExamples
import Testing

@testable import DirectoryService

/// ``UserTextRendering`` copies a stored user's text into the answer; whatever it copies or falls back to parsing,
/// the answer must be byte for byte what parsing, building the representation and rendering it gives.
@Suite struct UserTextRenderingTests {
    static let base = "https://scim.example.com/scim/v2/acme/okta"
    static let enterprise = ScimSchemaURN.enterpriseUser

    static let documents: [JSONValue] = [
        ["schemas": [.string(ScimSchemaURN.user)], "userName": "alice@example.com", "active": true],
        [
            "userName": "no-schemas@example.com", "active": false, "displayName": "Zoë \"Z\" Ünal 😀",
            "emails": [["value": "z@example.com", "primary": true]],
        ],
        [
            "schemas": [.string(ScimSchemaURN.user), .string(enterprise)], "userName": "bob", "active": true, "externalId": "00u1",
            "name": ["givenName": "Bob", "familyName": "Example"], "Upper": 1, "score": 12.75,
            .init(stringLiteral: enterprise): ["employeeNumber": "7", "manager": ["value": "m-1"]],
            "urn:example:unregistered:2.0:User": ["note": "a } and a ] in text"],
        ],
        // Hidden from default answers: the text is not copied, the parse path drops it.
        ["schemas": [.string(ScimSchemaURN.user)], "userName": "legacy", "password": "never returned"],
        // A member the representation sets itself: not copied either.
        ["userName": "odd", "meta": ["resourceType": "Elsewhere"]],
        RFC7643Examples.fullUser.removing("id", "meta", "groups", "password"),
    ]

    static let groupSets: [[GroupReference]] = [
        [], [GroupReference(id: "g-2", displayName: "Staff"), GroupReference(id: "g-1", displayName: "Älteste \"Gruppe\"")],
    ]

    static func user(_ document: JSONValue, text: String? = nil, groups: [GroupReference] = []) -> StoredUserText {
        StoredUserText(
            id: "2819c223-7f76-453a-919d-413861904646",
            resourceText: text ?? JSONWriter.string(document),
            version: 3,
            created: "2026-11-20T10:00:00Z",
            lastModified: "2026-11-21T11:30:00Z",
            groups: groups
        )
    }

    static func renderers() throws -> [ResourceRenderer] {
        try [
            renderer(),
            renderer(attributes: ["userName", "groups"]),
            renderer(excludedAttributes: ["emails", enterprise]),
        ]
    }

    static func renderer(attributes: [String] = [], excludedAttributes: [String] = []) throws -> ResourceRenderer {
        ResourceRenderer(
            baseURL: base,
            projection: try AttributeProjection(
                attributes: attributes,
                excludedAttributes: excludedAttributes,
                registry: .standard,
                resourceType: .user
            )
        )
    }

    /// What the read answered before: parse, representation, render, write.
    static func parsedAndRendered(_ user: StoredUserText, by renderer: ResourceRenderer) throws -> [UInt8] {
        Array(JSONWriter.string(renderer.render(try UserDocument.representation(of: user).resource, resourceType: .user, id: user.id)).utf8)
    }

    @Test(arguments: documents, groupSets)
    func aUserIsWhatParsingAndRenderingGives(_ document: JSONValue, groups: [GroupReference]) throws {
        for renderer in try Self.renderers() {
            let user = Self.user(document, groups: groups)
            let read = try UserTextRendering.rendered(user, by: renderer)
            #expect(read.body == (try Self.parsedAndRendered(user, by: renderer)), "\(String(decoding: read.body, as: UTF8.self))")
            #expect(read.version == 3)
        }
    }

    @Test func onlyTheDefaultProjectionOfACleanDocumentCopiesTheText() throws {
        let renderers = try Self.renderers()
        let copied = Self.documents.map { UserTextRendering.copyPlan(Self.user($0), by: renderers[0]) != nil }
        #expect(copied == [true, true, true, false, false, true])  // not with `password` or `meta` stored
        for renderer in renderers.dropFirst() {
            #expect(Self.documents.allSatisfy { UserTextRendering.copyPlan(Self.user($0), by: renderer) == nil })
        }
    }

    @Test func theDefaultAnswerHasItsLocationAndNoHiddenAttribute() throws {
        let renderer = try Self.renderer()
        let answer = try JSONValue.decode(
            String(decoding: try UserTextRendering.rendered(Self.user(Self.documents[3]), by: renderer).body, as: UTF8.self)
        )
        #expect(answer["password"] == nil)
        #expect(answer["meta"]?["location"] == .string("\(Self.base)/Users/2819c223-7f76-453a-919d-413861904646"))
        #expect(answer["meta"]?["version"] == #"W/"3""#)
        #expect(answer["schemas"] == [.string(ScimSchemaURN.user)])
    }

    @Test func textJSONWriterDidNotWriteIsParsedInstead() throws {
        let renderer = try Self.renderer()
        let spaced = Self.user([:], text: #"{ "userName" : "spaced",  "active" : true }"#)
        #expect(try UserTextRendering.rendered(spaced, by: renderer).body == (try Self.parsedAndRendered(spaced, by: renderer)))
        let unreadable = Self.user([:], text: #"{"userName":"#)
        #expect(throws: ScimError.self) { try UserTextRendering.rendered(unreadable, by: renderer) }
    }

    @Test func aPageIsWhatRenderingTheParsedPageGives() throws {
        for renderer in try Self.renderers() {
            for (startIndex, nextCursor) in [(1 as Int?, nil as String?), (nil, "Y3Vyc29y")] {
                let users = Self.documents.enumerated().map { index, document in
                    var user = Self.user(document, groups: Self.groupSets[index % 2])
                    user.id = "user-\(index)"
                    return user
                }
                let page = try UserTextRendering.rendered(users, totalResults: 40, startIndex: startIndex, nextCursor: nextCursor, by: renderer)
                let parsed = DirectoryPage(
                    totalResults: 40,
                    startIndex: startIndex,
                    resources: try users.map(UserDocument.representation(of:)),
                    nextCursor: nextCursor
                )
                #expect(page.body == RenderedAnswer.rendered(parsed, .user, by: renderer).body)
                #expect(page.version == nil)
            }
            let empty = try UserTextRendering.rendered([], totalResults: 0, startIndex: 1, nextCursor: nil, by: renderer)
            #expect(
                empty.body
                    == RenderedAnswer.rendered(DirectoryPage(totalResults: 0, startIndex: 1, resources: [], nextCursor: nil), .user, by: renderer)
                    .body
            )
        }
    }
}

extension JSONValue {
    fileprivate func removing(_ keys: String...) -> JSONValue {
        guard case .object(var members) = self else { return self }
        for key in keys { members.removeValue(forKey: key) }
        return .object(members)
    }
}

import InternalAPI
import ScimCore
import Testing

/// The read API's queries as the gateway passes them on: what it parsed, written again, reads back the same in the
/// directory; and the cursor's token.
@Suite struct ApplicationReadQueryTests {
    static let odd = "a b&c=d+e%f/ü?#"

    @Test func queriesSurviveTheHopUnchanged() throws {
        let cursor = ApplicationCursor(order: .updated, key: "2026-01-02T03:04:05.678Z", id: Self.odd)
        let users = ApplicationUserQuery(
            idp: Self.odd,
            userName: Self.odd,
            externalID: "+1",
            email: "ada@example.com",
            active: false,
            updatedSince: "2026-01-01T00:00:00.000Z",
            page: ApplicationPage(cursor: cursor, limit: 7)
        )
        #expect(try ApplicationUserQuery(rawQuery: users.rawQuery) == users)
        #expect(try ApplicationUserQuery(rawQuery: ApplicationUserQuery().rawQuery) == ApplicationUserQuery())
        #expect(ApplicationUserQuery().rawQuery.isEmpty)
        let groups = ApplicationGroupQuery(
            idp: "okta",
            displayName: Self.odd,
            page: ApplicationPage(cursor: ApplicationCursor(order: .created, key: "2026-01-02T03:04:05.678Z", id: "g"), limit: 1_000)
        )
        #expect(try ApplicationGroupQuery(rawQuery: groups.rawQuery) == groups)
        let members = ApplicationMemberQuery(page: ApplicationPage(cursor: ApplicationCursor(order: .member, key: "", id: "u9"), limit: 1))
        #expect(try ApplicationMemberQuery(rawQuery: members.rawQuery) == members)
        #expect(ApplicationRead.members(groupID: "g/1", members).relativePath.hasPrefix("groups/g%2F1/members?cursor="))
        #expect(ApplicationRead.user(id: "a b").internalPath(tenantID: "acme") == "/internal/v1/tenants/acme/app/users/a%20b")
    }

    /// Found by the `appquery` fuzz target: a raw NUL was taken at the gateway, and its `%00` refused by the directory.
    @Test func controlCharactersAreRefusedRawOrEncoded() {
        for query in ["userName=a\u{0}b", "userName=a%00b", "email=a\u{7F}b", "displayName=a\u{1F}"] {
            #expect(throws: ScimError.self) { try ApplicationUserQuery(rawQuery: query) }
        }
        #expect(throws: ScimError.self) { try ApplicationGroupQuery(rawQuery: "displayName=a\u{0}") }
    }

    @Test func timestampsAreReadInTheStoredForm() throws {
        #expect(ApplicationTimestamp.normalized("2026-01-02T03:04:05Z") == "2026-01-02T03:04:05.000Z")
        #expect(ApplicationTimestamp.normalized("2026-01-02T03:04:05.678Z") == "2026-01-02T03:04:05.678Z")
        #expect(ApplicationTimestamp.normalized("2026-01-02T05:04:05+02:00") == "2026-01-02T03:04:05.000Z")
        #expect(ApplicationTimestamp.normalized("2026-01-02") == nil)
        #expect(ApplicationTimestamp.normalized("soon") == nil)
        #expect(try ApplicationUserQuery(rawQuery: "updatedSince=2026-01-02T03:04:05Z").updatedSince == "2026-01-02T03:04:05.000Z")
        #expect(try ApplicationUserQuery(rawQuery: "updatedSince=2026-01-02T03:04:05Z").order == .updated)
    }

    @Test func cursorsAreOpaqueAndChecked() throws {
        let cursor = ApplicationCursor(order: .created, key: "2026-01-02T03:04:05.678Z", id: "u1")
        #expect(!cursor.token.contains("u1"))
        #expect(cursor.token.utf8.allSatisfy { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") })
        #expect(try ApplicationCursor(token: cursor.token, expected: .created) == cursor)
        #expect(throws: ScimError.self) { try ApplicationCursor(token: cursor.token, expected: .updated) }
        let forged = ApplicationCursor(order: .created, key: "not a time", id: "u1").token
        #expect(throws: ScimError.self) { try ApplicationCursor(token: forged, expected: .created) }
        let emptyID = ApplicationCursor(order: .member, key: "", id: "").token
        #expect(throws: ScimError.self) { try ApplicationCursor(token: emptyID, expected: .member) }
        #expect(throws: ScimError.self) { try ApplicationCursor(token: "", expected: .created) }
    }
}

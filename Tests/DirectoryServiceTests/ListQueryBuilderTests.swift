import InternalAPI
import Persistence
import ScimCore
import Testing

@testable import DirectoryService

/// Which list filters are point lookups (at most one resource through a unique index), run by storage without
/// leaving the caller's thread.
@Suite struct ListQueryBuilderTests {
    private func isUniqueMatch(_ filter: String?, _ resourceType: ScimResourceType = .user) throws -> Bool {
        try ListQueryBuilder(resourceType: resourceType, engine: .sqlite).query(for: SearchRequest(filter: filter, count: 100), includeMembers: false)
            .isUniqueMatch
    }

    @Test func equalityOnAUniqueAttributeIsALookup() throws {
        #expect(try isUniqueMatch(#"userName eq "ada@example.com""#))
        #expect(try isUniqueMatch(#"USERNAME EQ "ada@example.com""#))
        #expect(try isUniqueMatch(#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada""#))
        #expect(try isUniqueMatch(#"id eq "2819c223""#))
        #expect(try isUniqueMatch(#"id eq "2819c223""#, .group))
    }

    @Test func anythingThatMayMatchSeveralIsNot() throws {
        #expect(try !isUniqueMatch(nil))
        #expect(try !isUniqueMatch(#"userName sw "ada""#))
        #expect(try !isUniqueMatch(#"userName ne "ada""#))
        #expect(try !isUniqueMatch(#"externalId eq "00u1""#))
        #expect(try !isUniqueMatch(#"userName eq "ada" or userName eq "bob""#))
        #expect(try !isUniqueMatch(#"emails[value eq "ada@example.com"]"#))
        #expect(try !isUniqueMatch(#"name.givenName eq "Ada""#))
        #expect(try !isUniqueMatch(#"displayName eq "Staff""#, .group))
    }
}

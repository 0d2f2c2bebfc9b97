import ScimCore
import Testing

@testable import ScimFilter

@Suite("SQLTranslator")
struct SQLTranslatorTests {
    static let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let myApp = "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User"
    static let registry = SchemaRegistry.standard.adding(
        extension: SchemaDefinition(
            id: myApp,
            name: "MyApp",
            description: "",
            attributes: [AttributeDefinition(name: "level", type: .integer), AttributeDefinition(name: "costCenter", type: .string)]
        ),
        to: "User",
        required: false
    )

    static func users(_ dialect: SQLDialect) -> SQLTranslator {
        SQLTranslator(registry: registry, resourceType: .user, columns: UserColumnMap(), dialect: dialect)
    }

    static func groups(_ dialect: SQLDialect) -> SQLTranslator {
        SQLTranslator(registry: registry, resourceType: .group, columns: GroupColumnMap(), dialect: dialect)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var filter: String
        var sqlite: String
        var postgres: String
        var binds: [JSONValue]
        var postgresBinds: [JSONValue]
        var testDescription: String { filter }

        init(_ filter: String, sqlite: String, postgres: String? = nil, binds: [JSONValue], postgresBinds: [JSONValue]? = nil) {
            self.filter = filter
            self.sqlite = sqlite
            self.postgres = postgres ?? sqlite
            self.binds = binds
            self.postgresBinds = postgresBinds ?? binds
        }
    }

    static let userCases: [Case] = [
        // Dedicated columns.
        Case(#"userName eq "BJensen@Example.com""#, sqlite: "users.user_name_lower = ?", binds: ["bjensen@example.com"]),
        Case(#"USERNAME Eq "Ünïcode""#, sqlite: "users.user_name_lower = ?", binds: ["ünïcode"]),
        Case(#"externalId eq "Ab-701984""#, sqlite: "users.external_id = ?", binds: ["Ab-701984"]),
        Case(#"id eq "2819c223""#, sqlite: "users.id = ?", binds: ["2819c223"]),
        Case("active eq true", sqlite: "users.active = ?", binds: [true]),
        Case(#"active eq "False""#, sqlite: "users.active = ?", binds: [false]),
        Case(
            #"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            sqlite: "julianday(users.last_modified) > julianday(?)",
            postgres: "CAST(users.last_modified AS timestamptz) > CAST(? AS timestamptz)",
            binds: ["2011-05-13T04:42:34Z"]
        ),
        Case(
            #"meta.created le "2011-05-13T06:42:34.5+02:00""#,
            sqlite: "julianday(users.created) <= julianday(?)",
            postgres: "CAST(users.created AS timestamptz) <= CAST(? AS timestamptz)",
            binds: ["2011-05-13T04:42:34.500Z"]
        ),
        Case(#"userName sw "J%_\\""#, sqlite: #"users.user_name_lower LIKE ? ESCAPE '\'"#, binds: [#"j\%\_\\%"#]),
        Case(#"userName co "Babs""#, sqlite: #"users.user_name_lower LIKE ? ESCAPE '\'"#, binds: ["%babs%"]),
        Case(#"userName ew "@Example.com""#, sqlite: #"users.user_name_lower LIKE ? ESCAPE '\'"#, binds: ["%@example.com"]),
        Case(#"userName gt "m""#, sqlite: "users.user_name_lower > ?", binds: ["m"]),
        Case("userName pr", sqlite: "users.user_name_lower <> ''", binds: []),
        Case("active pr", sqlite: "users.active IS NOT NULL", binds: []),
        // caseExact co/sw/ew: SQLite's LIKE ignores case, so instr/substr; Postgres LIKE is case-sensitive.
        Case(
            #"externalId co "9%8""#,
            sqlite: "instr(users.external_id, ?) > 0",
            postgres: #"users.external_id LIKE ? ESCAPE '\'"#,
            binds: ["9%8"],
            postgresBinds: [#"%9\%8%"#]
        ),
        Case(
            #"externalId sw "70""#,
            sqlite: "instr(users.external_id, ?) = 1",
            postgres: #"users.external_id LIKE ? ESCAPE '\'"#,
            binds: ["70"],
            postgresBinds: ["70%"]
        ),
        // JSON paths.
        Case(
            "title pr",
            sqlite: "json_extract(users.resource, '$.title') <> ''",
            postgres: "(CAST(users.resource AS jsonb)->>'title') <> ''",
            binds: []
        ),
        Case(
            #"name.familyName co "O'Malley""#,
            sqlite: #"lower(json_extract(users.resource, '$.name.familyName')) LIKE lower(?) ESCAPE '\'"#,
            postgres: #"lower((CAST(users.resource AS jsonb)->'name'->>'familyName')) LIKE lower(?) ESCAPE '\'"#,
            binds: ["%O'Malley%"]
        ),
        Case(
            #"userType ne "Employee""#,
            sqlite: "NOT COALESCE(lower(json_extract(users.resource, '$.userType')) = lower(?), FALSE)",
            postgres: "NOT COALESCE(lower((CAST(users.resource AS jsonb)->>'userType')) = lower(?), FALSE)",
            binds: ["Employee"]
        ),
        Case(
            "title eq null",
            sqlite: "NOT COALESCE(json_extract(users.resource, '$.title') <> '', FALSE)",
            postgres: "NOT COALESCE((CAST(users.resource AS jsonb)->>'title') <> '', FALSE)",
            binds: []
        ),
        Case(
            "title ne null",
            sqlite: "json_extract(users.resource, '$.title') <> ''",
            postgres: "(CAST(users.resource AS jsonb)->>'title') <> ''",
            binds: []
        ),
        Case(
            #"title pr and not (userType eq "Intern")"#,
            sqlite:
                "(json_extract(users.resource, '$.title') <> '' AND NOT COALESCE(lower(json_extract(users.resource, '$.userType')) = lower(?), FALSE))",
            postgres:
                "((CAST(users.resource AS jsonb)->>'title') <> '' AND NOT COALESCE(lower((CAST(users.resource AS jsonb)->>'userType')) = lower(?), FALSE))",
            binds: ["Intern"]
        ),
        Case(
            "name pr",
            sqlite: "(json_type(users.resource, '$.name') = 'object' AND json_extract(users.resource, '$.name') <> '{}')",
            postgres: "(jsonb_typeof(CAST(users.resource AS jsonb)->'name') = 'object' AND CAST(users.resource AS jsonb)->'name' <> '{}'::jsonb)",
            binds: []
        ),
        Case(
            #"meta.resourceType eq "User""#,
            sqlite: "json_extract(users.resource, '$.meta.resourceType') = ?",
            postgres: "(CAST(users.resource AS jsonb)->'meta'->>'resourceType') = ?",
            binds: ["User"]
        ),
        // Extensions.
        Case(
            #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Tour Operations""#,
            sqlite: #"lower(json_extract(users.resource, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".department')) = lower(?)"#,
            postgres:
                "lower((CAST(users.resource AS jsonb)->'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'->>'department')) = lower(?)",
            binds: ["Tour Operations"]
        ),
        Case(
            #"manager.value eq "26118915""#,
            sqlite:
                #"lower(json_extract(users.resource, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".manager.value')) = lower(?)"#,
            postgres:
                "lower((CAST(users.resource AS jsonb)->'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'->'manager'->>'value')) = lower(?)",
            binds: ["26118915"]
        ),
        Case(
            #"manager[value eq "26118915" and displayName pr]"#,
            sqlite:
                #"(lower(json_extract(users.resource, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".manager.value')) = lower(?) AND json_extract(users.resource, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".manager.displayName') <> '')"#,
            postgres:
                "(lower((CAST(users.resource AS jsonb)->'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'->'manager'->>'value')) = lower(?) AND (CAST(users.resource AS jsonb)->'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'->'manager'->>'displayName') <> '')",
            binds: ["26118915"]
        ),
        Case(
            "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:level ge 3",
            sqlite: #"json_extract(users.resource, '$."urn:ietf:params:scim:schemas:extension:MyApp:2.0:User".level') >= ?"#,
            postgres: "CAST((CAST(users.resource AS jsonb)->'urn:ietf:params:scim:schemas:extension:MyApp:2.0:User'->>'level') AS numeric) >= ?",
            binds: [3]
        ),
        // Multi-valued: side table for emails.value/type, JSON for the rest.
        Case(
            #"emails.value eq "X@Example.com""#,
            sqlite: "users.id IN (SELECT s1.user_id FROM user_emails AS s1 WHERE s1.value_lower = ?)",
            binds: ["x@example.com"]
        ),
        Case(
            #"emails co "Example.COM""#,
            sqlite: #"users.id IN (SELECT s1.user_id FROM user_emails AS s1 WHERE s1.value_lower LIKE ? ESCAPE '\')"#,
            binds: ["%example.com%"]
        ),
        Case(
            #"emails[type eq "work"].value eq "x@example.com""#,
            sqlite: "users.id IN (SELECT s1.user_id FROM user_emails AS s1 WHERE (lower(s1.type) = lower(?) AND s1.value_lower = ?))",
            binds: ["work", "x@example.com"]
        ),
        Case("emails pr", sqlite: "users.id IN (SELECT s1.user_id FROM user_emails AS s1)", binds: []),
        Case(
            #"emails.value eq "a@x" or emails.value eq "b@x""#,
            sqlite:
                "(users.id IN (SELECT s1.user_id FROM user_emails AS s1 WHERE s1.value_lower = ?) OR users.id IN (SELECT s2.user_id FROM user_emails AS s2 WHERE s2.value_lower = ?))",
            binds: ["a@x", "b@x"]
        ),
        Case(
            #"emails[type eq "work" and primary eq true]"#,
            sqlite:
                "EXISTS (SELECT 1 FROM json_each(users.resource, '$.emails') AS e1 WHERE (lower(json_extract(e1.value, '$.type')) = lower(?) AND json_extract(e1.value, '$.primary') = ?))",
            postgres:
                "EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'emails') AS e1(elem) WHERE (lower((e1.elem->>'type')) = lower(?) AND CAST((e1.elem->>'primary') AS boolean) = ?))",
            binds: ["work", true]
        ),
        Case(
            "emails.primary eq true",
            sqlite: "EXISTS (SELECT 1 FROM json_each(users.resource, '$.emails') AS e1 WHERE json_extract(e1.value, '$.primary') = ?)",
            postgres:
                "EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'emails') AS e1(elem) WHERE CAST((e1.elem->>'primary') AS boolean) = ?)",
            binds: [true]
        ),
        Case(
            #"phoneNumbers co "555""#,
            sqlite:
                #"EXISTS (SELECT 1 FROM json_each(users.resource, '$.phoneNumbers') AS e1 WHERE lower(json_extract(e1.value, '$.value')) LIKE lower(?) ESCAPE '\')"#,
            postgres:
                #"EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'phoneNumbers') AS e1(elem) WHERE lower((e1.elem->>'value')) LIKE lower(?) ESCAPE '\')"#,
            binds: ["%555%"]
        ),
        Case(
            "ims pr",
            sqlite: "EXISTS (SELECT 1 FROM json_each(users.resource, '$.ims') AS e1)",
            postgres: "EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'ims') AS e1(elem))",
            binds: []
        ),
        Case(
            #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            sqlite: "EXISTS (SELECT 1 FROM json_each(users.resource, '$.schemas') AS e1 WHERE lower(e1.value) = lower(?))",
            postgres:
                "EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'schemas') AS e1(elem) WHERE lower((e1.elem #>> '{}')) = lower(?))",
            binds: ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        ),
        Case(
            #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            sqlite:
                #"(lower(json_extract(users.resource, '$.userType')) = lower(?) AND users.id IN (SELECT s1.user_id FROM user_emails AS s1 WHERE (lower(s1.type) = lower(?) AND s1.value_lower LIKE ? ESCAPE '\')))"#,
            postgres:
                #"(lower((CAST(users.resource AS jsonb)->>'userType')) = lower(?) AND users.id IN (SELECT s1.user_id FROM user_emails AS s1 WHERE (lower(s1.type) = lower(?) AND s1.value_lower LIKE ? ESCAPE '\')))"#,
            binds: ["Employee", "work", "%@example.com%"]
        ),
        Case(
            #"x509Certificates.value eq "AAAA""#,
            sqlite: "EXISTS (SELECT 1 FROM json_each(users.resource, '$.x509Certificates') AS e1 WHERE json_extract(e1.value, '$.value') = ?)",
            postgres:
                "EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'x509Certificates') AS e1(elem) WHERE (e1.elem->>'value') = ?)",
            binds: ["AAAA"]
        ),
        Case(
            #"groups[$ref ew "/Groups/e9e30dba"]"#,
            sqlite:
                #"EXISTS (SELECT 1 FROM json_each(users.resource, '$.groups') AS e1 WHERE lower(json_extract(e1.value, '$."$ref"')) LIKE lower(?) ESCAPE '\')"#,
            postgres:
                #"EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'groups') AS e1(elem) WHERE lower((e1.elem->>'$ref')) LIKE lower(?) ESCAPE '\')"#,
            binds: ["%/Groups/e9e30dba"]
        ),
    ]

    @Test(arguments: userCases)
    func sqlite(_ c: Case) throws {
        let fragment = try Self.users(.sqlite).translate(Fixtures.parse(c.filter))
        #expect(fragment.sql == c.sqlite)
        #expect(fragment.binds == c.binds)
        #expect(fragment.sql.filter { $0 == "?" }.count == fragment.binds.count)
    }

    @Test(arguments: userCases)
    func postgres(_ c: Case) throws {
        let fragment = try Self.users(.postgres).translate(Fixtures.parse(c.filter))
        #expect(fragment.sql == c.postgres)
        #expect(fragment.binds == c.postgresBinds)
    }

    /// A chain of the filter's maximum length is grouped as a balanced tree: SQLite refuses expressions deeper than
    /// 1,000, and a flat `a OR b OR …` nests one level per term in its parser.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func longChainsBecomeShallowBalancedTrees(dialect: SQLDialect) throws {
        let count = FilterParser.maximumTerms
        let filter = try FilterParser.parse((0..<count).map { #"userName eq "u\#($0)""# }.joined(separator: " or "))
        let fragment = try Self.users(dialect).translate(filter)
        #expect(fragment.binds == (0..<count).map { JSONValue.string("u\($0)") })
        var depth = 0
        var deepest = 0
        for byte in fragment.sql.utf8 {
            if byte == UInt8(ascii: "(") {
                depth += 1
                deepest = max(deepest, depth)
            }
            if byte == UInt8(ascii: ")") { depth -= 1 }
        }
        #expect(depth == 0)
        #expect(deepest <= 11, "nesting \(deepest) for \(count) terms")
        #expect(SQLFragment.balanced([], joinedBy: "OR").sql == "FALSE")
        #expect(SQLFragment.balanced([SQLFragment(sql: "a")], joinedBy: "OR").sql == "a")
        #expect(SQLFragment.balanced(["a", "b", "c"].map { SQLFragment(sql: $0) }, joinedBy: "AND").sql == "((a AND b) AND c)")
    }

    @Test func caseExactEndsWithOnSQLite() throws {
        let fragment = try Self.users(.sqlite).translate(Fixtures.parse(#"externalId ew "84""#))
        #expect(fragment.sql == "substr(users.external_id, length(users.external_id) - length(?) + 1) = ?")
        #expect(fragment.binds == ["84", "84"])
        let pg = try Self.users(.postgres).translate(Fixtures.parse(#"externalId ew "8_4""#))
        #expect(pg == SQLFragment(sql: #"users.external_id LIKE ? ESCAPE '\'"#, binds: [#"%8\_4"#]))
    }

    @Test func groups() throws {
        for dialect in [SQLDialect.sqlite, .postgres] {
            let translator = Self.groups(dialect)
            #expect(
                try translator.translate(Fixtures.parse(#"displayName eq "Tour Guides""#))
                    == SQLFragment(sql: "groups.display_name_lower = ?", binds: ["tour guides"])
            )
            #expect(
                try translator.translate(Fixtures.parse(#"members[value eq "2819C223"]"#))
                    == SQLFragment(
                        sql: "groups.id IN (SELECT s1.group_id FROM group_members AS s1 WHERE lower(s1.member_id) = lower(?))",
                        binds: ["2819C223"]
                    )
            )
            #expect(
                try translator.translate(Fixtures.parse(#"members.type eq "Group""#))
                    == SQLFragment(
                        sql: "groups.id IN (SELECT s1.group_id FROM group_members AS s1 WHERE lower(s1.member_type) = lower(?))",
                        binds: ["Group"]
                    )
            )
            // Members live only in the side table: other sub-attributes cannot be answered.
            #expect(throws: ScimError.self) { try translator.translate(Fixtures.parse(#"members.$ref eq "x""#)) }
            #expect(throws: ScimError.self) { try translator.translate(Fixtures.parse(#"members[value eq "x" and $ref pr]"#)) }
            #expect(throws: ScimError.self) { try translator.orderBy(AttributePath(attribute: "members"), ascending: true) }
        }
        let inJSON = SQLTranslator(registry: .standard, resourceType: .group, columns: GroupColumnMap(membersInJSON: true), dialect: .sqlite)
        #expect(
            try inJSON.translate(Fixtures.parse(#"members.$ref pr"#))
                == SQLFragment(
                    sql: #"EXISTS (SELECT 1 FROM json_each(groups.resource, '$.members') AS e1 WHERE json_extract(e1.value, '$."$ref"') <> '')"#
                )
        )
    }

    @Test(arguments: [
        (#"nope eq "x""#, "Unknown attribute 'nope'"),
        (#"password eq "x""#, "cannot be used in a filter"),
        ("active gt true", "cannot compare the boolean"),
        (#"urn:ietf:params:scim:schemas:extension:Other:2.0:User:x eq "y""#, "Unknown attribute"),
        (#"emails[nope eq "x"]"#, "Unknown sub-attribute"),
    ])
    func rejects(filter: String, detail: String) {
        for dialect in [SQLDialect.sqlite, .postgres] {
            do {
                let fragment = try Self.users(dialect).translate(Fixtures.parse(filter))
                Issue.record("translated \(filter) to \(fragment.sql)")
            } catch {
                #expect(error.scimType == .invalidFilter)
                #expect(error.detail.contains(detail), "detail: \(error.detail)")
            }
        }
    }

    /// A column map that refuses everything but userName: the allow-list decides.
    struct StrictMap: ColumnMap {
        var resourceColumn: String { "t.resource" }
        func column(for resolved: ResolvedAttribute, path: AttributePath) throws(ScimError) -> ColumnMapping {
            guard path == AttributePath(attribute: "userName") else { throw .invalidFilter("'\(path)' is not filterable here.") }
            return .column("t.user_name", .text)
        }
    }

    @Test func columnMapIsAnAllowList() throws {
        let translator = SQLTranslator(registry: .standard, resourceType: .user, columns: StrictMap(), dialect: .postgres)
        #expect(try translator.translate(Fixtures.parse(#"username eq "X""#)) == SQLFragment(sql: "lower(t.user_name) = lower(?)", binds: ["X"]))
        #expect(throws: ScimError.invalidFilter("'title' is not filterable here.")) { try translator.translate(Fixtures.parse(#"title eq "x""#)) }
        #expect(throws: ScimError.invalidFilter("'emails' is not filterable here.")) {
            try translator.translate(Fixtures.parse(#"emails[type eq "x"]"#))
        }
    }

    // MARK: injection

    static let hostile = [
        "' OR 1=1 --", "x'); DROP TABLE users; --", "\" OR \"\"=\"", "%' OR '%'='", "\\'; --", "$1", "'{x}'", "*/ OR 1=1 /*",
    ]

    @Test(arguments: hostile)
    func boundValuesNeverAppearInSQL(value: String) throws {
        let literal = FilterExpression.literal(.string(value))
        let filters = [
            "userName eq \(literal)", "userName co \(literal)", "externalId eq \(literal)", "externalId co \(literal)",
            "externalId ew \(literal)", "id sw \(literal)", "title eq \(literal)", "title ew \(literal)", "name.givenName gt \(literal)",
            "emails.value eq \(literal)", "emails[type eq \(literal)]", "emails[primary eq true and display co \(literal)]",
            "phoneNumbers co \(literal)", "schemas eq \(literal)", "department eq \(literal)",
            "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter sw \(literal)", "not (nickName ne \(literal))",
            "manager[displayName co \(literal)]",
        ]
        for dialect in [SQLDialect.sqlite, .postgres] {
            for filter in filters {
                let fragment = try Self.users(dialect).translate(Fixtures.parse(filter))
                #expect(!fragment.sql.contains(value), "\(filter) → \(fragment.sql)")
                #expect(fragment.sql.filter { $0 == "?" }.count == fragment.binds.count)
                let candidates = [value, value.lowercased()].flatMap { [$0, String(SQLTranslator.likePattern($0, .co).dropFirst().dropLast())] }
                #expect(
                    fragment.binds.contains { bind in
                        guard case .string(let bound) = bind else { return false }
                        return candidates.contains { bound.contains($0) }
                    },
                    "\(filter) binds \(fragment.binds)"
                )
            }
        }
    }

    @Test(arguments: [
        ("50%", CompareOperator.co, #"%50\%%"#),
        ("a_b", .sw, #"a\_b%"#),
        (#"back\slash"#, .ew, #"%back\\slash"#),
        (#"%_\"#, .co, #"%\%\_\\%"#),
        ("", .co, "%%"),
    ])
    func likePatternsEscape(text: String, op: CompareOperator, pattern: String) {
        #expect(SQLTranslator.likePattern(text, op) == pattern)
    }

    @Test func numberedPlaceholders() {
        let fragment = SQLFragment(sql: #"a = ? AND b LIKE ? ESCAPE '\' AND c = '?' AND "d?" = ?"#, binds: [1, 2, 3])
        #expect(fragment.numberedPlaceholders() == #"a = $1 AND b LIKE $2 ESCAPE '\' AND c = '?' AND "d?" = $3"#)
        #expect(fragment.numberedPlaceholders(startingAt: 3) == #"a = $3 AND b LIKE $4 ESCAPE '\' AND c = '?' AND "d?" = $5"#)
    }

    // MARK: orderBy

    @Test(arguments: [
        ("userName", true, "users.user_name_lower ASC NULLS LAST", "users.user_name_lower ASC NULLS LAST"),
        ("externalId", false, "users.external_id DESC NULLS FIRST", "users.external_id DESC NULLS FIRST"),
        ("meta.created", true, "julianday(users.created) ASC NULLS LAST", "users.created ASC NULLS LAST"),
        (
            "name.familyName", true, "lower(json_extract(users.resource, '$.name.familyName')) ASC NULLS LAST",
            "lower((CAST(users.resource AS jsonb)->'name'->>'familyName')) ASC NULLS LAST"
        ),
        (
            "title", false, "lower(json_extract(users.resource, '$.title')) DESC NULLS FIRST",
            "lower((CAST(users.resource AS jsonb)->>'title')) DESC NULLS FIRST"
        ),
        (
            "emails", true,
            "lower((SELECT json_extract(o.value, '$.value') FROM json_each(users.resource, '$.emails') AS o ORDER BY COALESCE(json_extract(o.value, '$.primary'), 0) DESC, o.key LIMIT 1)) ASC NULLS LAST",
            "lower((SELECT (o.elem->>'value') FROM jsonb_array_elements(CAST(users.resource AS jsonb)->'emails') WITH ORDINALITY AS o(elem, n) ORDER BY (o.elem->>'primary') = 'true' DESC NULLS LAST, o.n LIMIT 1)) ASC NULLS LAST"
        ),
        (
            "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:level", true,
            #"json_extract(users.resource, '$."urn:ietf:params:scim:schemas:extension:MyApp:2.0:User".level') ASC NULLS LAST"#,
            "CAST((CAST(users.resource AS jsonb)->'urn:ietf:params:scim:schemas:extension:MyApp:2.0:User'->>'level') AS numeric) ASC NULLS LAST"
        ),
    ])
    func orderBy(path: String, ascending: Bool, sqlite: String, postgres: String) throws {
        let attribute = try AttributePath(parsing: path)
        #expect(try Self.users(.sqlite).orderBy(attribute, ascending: ascending) == sqlite)
        #expect(try Self.users(.postgres).orderBy(attribute, ascending: ascending) == postgres)
    }

    @Test(arguments: ["nope", "password", "name", "name.nope"])
    func orderByRejects(path: String) throws {
        let attribute = try AttributePath(parsing: path)
        #expect(throws: ScimError.self) { try Self.users(.sqlite).orderBy(attribute, ascending: true) }
    }
}

@Suite struct SQLFragmentPartsTests {
    @Test func splitsAtPlaceholdersOutsideQuotes() {
        let fragment = SQLFragment(sql: #"a = ? AND c = '?' AND "d?" = ?"#, binds: ["x", 2])
        #expect(fragment.parts == [.sql("a = "), .bind("x"), .sql(#" AND c = '?' AND "d?" = "#), .bind(2), .sql("")])
    }
}

import ScimCore

/// The directory's Users table layout:
/// ```sql
/// -- SQLite (Postgres: resource jsonb, active boolean, created/last_modified timestamptz)
/// CREATE TABLE users (
///   id TEXT PRIMARY KEY,            -- SCIM id (caseExact)
///   tenant_id TEXT NOT NULL,
///   external_id TEXT,               -- caseExact, compared as written
///   user_name_lower TEXT NOT NULL,  -- userName.lowercased() (Swift), UNIQUE (tenant_id, user_name_lower)
///   active INTEGER NOT NULL,        -- 0/1
///   created TEXT NOT NULL,          -- ISO 8601 UTC, e.g. 2011-05-13T04:42:34Z
///   last_modified TEXT NOT NULL,
///   resource TEXT NOT NULL          -- SchemaRegistry.canonicalize(...)d JSON
/// );
/// CREATE TABLE user_emails (user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
///                           value_lower TEXT NOT NULL, type TEXT);   -- one row per emails[] element
/// CREATE INDEX user_emails_value ON user_emails(value_lower);
/// ```
/// `userName`, `externalId`, `id`, `active`, `meta.created`, `meta.lastModified` use their columns, `emails.value` and
/// `emails.type` the side table (other `emails` sub-attributes fall back to the JSON, which holds the emails too),
/// `password` is refused, and everything else is read from `resource`.
package struct UserColumnMap: ColumnMap {
    package var table: String
    package var emailsTable: String

    /// - Parameters:
    ///   - table: the Users table name or alias used in the outer query.
    ///   - emailsTable: the side table holding one row per email.
    package init(table: String = "users", emailsTable: String = "user_emails") {
        self.table = table
        self.emailsTable = emailsTable
    }

    package var resourceColumn: String { "\(table).resource" }

    package var emails: SideTable {
        SideTable(
            table: emailsTable,
            foreignKey: "user_id",
            ownerKey: "\(table).id",
            columns: ["value": SideColumn("value_lower", .lowercasedText), "type": SideColumn("type", .text)],
            jsonHoldsElements: true
        )
    }

    package func column(for resolved: ResolvedAttribute, path: AttributePath) throws(ScimError) -> ColumnMapping {
        if let shared = try sharedColumn(for: resolved, path: path, table: table) { return shared }
        switch (resolved.attribute.name, resolved.subAttribute?.name) {
        case ("userName", nil): return .column("\(table).user_name_lower", .lowercasedText)
        case ("active", nil): return .column("\(table).active", .boolean)
        case ("emails", _): return .sideTable(emails)
        default: return .json
        }
    }
}

/// The directory's Groups table layout:
/// ```sql
/// CREATE TABLE groups (
///   id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, external_id TEXT,
///   display_name_lower TEXT NOT NULL,   -- displayName.lowercased() (Swift)
///   created TEXT NOT NULL, last_modified TEXT NOT NULL,
///   resource TEXT NOT NULL              -- canonical JSON *without* members
/// );
/// CREATE TABLE group_members (group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
///                             member_id TEXT NOT NULL, member_type TEXT,   -- 'User' / 'Group'
///                             PRIMARY KEY (group_id, member_id));
/// ```
/// Members live only in `group_members` (per-row add/remove, IDP-WIRE §2.4), so `members.value` / `members.type` use
/// it and other member sub-attributes are `invalidFilter`. Pass `membersInJSON: true` if the JSON holds members.
package struct GroupColumnMap: ColumnMap {
    package var table: String
    package var membersTable: String
    package var membersInJSON: Bool

    package init(table: String = "groups", membersTable: String = "group_members", membersInJSON: Bool = false) {
        self.table = table
        self.membersTable = membersTable
        self.membersInJSON = membersInJSON
    }

    package var resourceColumn: String { "\(table).resource" }

    package var members: SideTable {
        SideTable(
            table: membersTable,
            foreignKey: "group_id",
            ownerKey: "\(table).id",
            columns: ["value": SideColumn("member_id", .text), "type": SideColumn("member_type", .text)],
            jsonHoldsElements: membersInJSON
        )
    }

    package func column(for resolved: ResolvedAttribute, path: AttributePath) throws(ScimError) -> ColumnMapping {
        if let shared = try sharedColumn(for: resolved, path: path, table: table) { return shared }
        switch (resolved.attribute.name, resolved.subAttribute?.name) {
        case ("displayName", nil): return .column("\(table).display_name_lower", .lowercasedText)
        case ("members", _): return .sideTable(members)
        default: return .json
        }
    }
}

extension ColumnMap {
    /// What the Users and Groups tables have in common: attributes never returned cannot be filtered on (a filter
    /// would reveal them), extension attributes live in the JSON, and `id`, `externalId` and the two `meta` times
    /// have columns of the same names. Nil for an attribute the table's own map decides.
    fileprivate func sharedColumn(for resolved: ResolvedAttribute, path: AttributePath, table: String) throws(ScimError) -> ColumnMapping? {
        if resolved.attribute.returned == .never || resolved.subAttribute?.returned == .never {
            throw .invalidFilter("The attribute '\(path)' cannot be used in a filter.")
        }
        guard !resolved.isExtension else { return .json }
        switch (resolved.attribute.name, resolved.subAttribute?.name) {
        case ("id", nil): return .column("\(table).id", .text)
        case ("externalId", nil): return .column("\(table).external_id", .text)
        case ("meta", "created"): return .column("\(table).created", .dateTime)
        case ("meta", "lastModified"): return .column("\(table).last_modified", .dateTime)
        default: return nil
        }
    }
}

import Crypto
import Foundation

/// One numbered SQL file of `Migrations/`, named `NNNN_snake_case_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The number that orders migrations.
    public let version: Int
    /// The file name, e.g. `0003_documents.sql`.
    public let fileName: String
    /// The SQL to run.
    public let sql: String
    /// SHA-256 of the file, hex; detects files edited after they were applied.
    public let checksum: String

    /// Reads every migration in `directory`, ordered by version; any other `.sql` name is refused.
    public static func load(from directory: String) throws(MigrationError) -> [Migration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw .unreadableDirectory(directory)
        }
        var migrations: [Migration] = []
        for name in names where name.hasSuffix(".sql") {
            guard let version = version(of: name) else { throw .invalidFileName(name) }
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let sql = String(data: data, encoding: .utf8)
            else { throw .unreadableFile(name) }
            let checksum = SHA256.hash(data: data).hexString
            migrations.append(Migration(version: version, fileName: name, sql: sql, checksum: checksum))
        }
        migrations.sort { ($0.version, $0.fileName) < ($1.version, $1.fileName) }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw .duplicateVersion(previous.fileName, next.fileName)
        }
        return migrations
    }

    private static func version(of fileName: String) -> Int? {
        let pattern = /^([0-9]{4})_[a-z0-9_]+\.sql$/
        guard let match = fileName.wholeMatch(of: pattern) else { return nil }
        return Int(match.1)
    }
}

/// Why migrations could not be applied. Each message is one line meant for an operator.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadableDirectory(String)
    case unreadableFile(String)
    case invalidFileName(String)
    case duplicateVersion(String, String)
    /// An applied migration's file no longer matches what was applied.
    case changedAfterApplied(String)
    /// Another process held the migration lock for too long.
    case lockTimeout
    /// A statement of the file failed; migrations before it stay applied.
    case failed(String, reason: String)

    public var description: String {
        switch self {
        case .unreadableDirectory(let path):
            "cannot read the migrations folder \(path)"
        case .unreadableFile(let name):
            "cannot read migration \(name) as UTF-8 text"
        case .invalidFileName(let name):
            "migration file \(name) must be named NNNN_lowercase_name.sql"
        case .duplicateVersion(let first, let second):
            "migrations \(first) and \(second) share a version number"
        case .changedAfterApplied(let name):
            "migration \(name) was edited after it was applied (checksum differs); restore it and add a new migration instead"
        case .lockTimeout:
            "another process is applying migrations; gave up waiting for its lock"
        case .failed(let name, let reason):
            "migration \(name) failed: \(reason)"
        }
    }
}

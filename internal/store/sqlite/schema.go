package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations build the schema step by step; PRAGMA user_version records how
// many have run. Each runs in its own transaction. Never edit one that has
// shipped: add new ones at the end.
var migrations = []func(ctx context.Context, tx *sql.Tx) error{
	migrateInitial,
	migrateTextSearch, // textsearch.go
	migrateViewIndexes,
	migrateTextScanIndexes,
}

// migrateTextScanIndexes lets a common search term or a URL filter be
// checked from an index over (date, text) instead of reading whole event
// rows (which carry their JSON twice) across the time range.
func migrateTextScanIndexes(ctx context.Context, tx *sql.Tx) error {
	for _, s := range []string{
		`CREATE INDEX views_date_url ON views(date, view_url)`,
		`CREATE INDEX errors_date_message ON errors(date, message)`,
		`CREATE INDEX resources_date_url ON resources(date, url)`,
	} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// migrateViewIndexes serves the view detail page: a view's actions, errors
// and resources (Filter.ViewID) without scanning whole tables.
func migrateViewIndexes(ctx context.Context, tx *sql.Tx) error {
	for _, table := range []string{"views", "actions", "errors", "resources", "long_tasks", "vitals"} {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE INDEX %[1]s_view ON %[1]s(view_id, date)`, table)); err != nil {
			return fmt.Errorf("index %s by view: %w", table, err)
		}
	}
	return nil
}

// eventCommonDDL are the columns every event table shares: what the
// explorers filter on, the event as decoded (doc, JSON without raw) and the
// event exactly as received (raw). seq is the rowid: insertion order, and
// the tie-break that makes keyset paging exact under equal sort keys.
const eventCommonDDL = `
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL,
	session_id TEXT NOT NULL,
	view_id    TEXT NOT NULL DEFAULT '',
	app        TEXT NOT NULL DEFAULT '',
	date       INTEGER NOT NULL,
	view_url   TEXT NOT NULL DEFAULT '',
	service    TEXT NOT NULL DEFAULT '',
	env        TEXT NOT NULL DEFAULT '',
	version    TEXT NOT NULL DEFAULT '',
	user_id    TEXT NOT NULL DEFAULT '',
	user_name  TEXT NOT NULL DEFAULT '',
	user_email TEXT NOT NULL DEFAULT '',
	browser    TEXT NOT NULL DEFAULT '',
	os         TEXT NOT NULL DEFAULT '',
	device     TEXT NOT NULL DEFAULT '',
	doc        BLOB NOT NULL,
	raw        BLOB`

func migrateInitial(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{
		// Sessions are aggregates, rewritten by the writer as events and
		// segments arrive. last_date is the newest event date seen: fields
		// such as user and last_url follow the newest event, so a batch
		// arriving late cannot roll them back.
		`CREATE TABLE sessions (
			seq          INTEGER PRIMARY KEY,
			id           TEXT NOT NULL UNIQUE,
			app          TEXT NOT NULL DEFAULT '',
			start        INTEGER NOT NULL,
			end_ms       INTEGER NOT NULL,
			duration     INTEGER NOT NULL,
			last_date    INTEGER NOT NULL,
			view_count   INTEGER NOT NULL DEFAULT 0,
			error_count  INTEGER NOT NULL DEFAULT 0,
			action_count INTEGER NOT NULL DEFAULT 0,
			has_replay   INTEGER NOT NULL DEFAULT 0,
			user_id      TEXT NOT NULL DEFAULT '',
			user_name    TEXT NOT NULL DEFAULT '',
			user_email   TEXT NOT NULL DEFAULT '',
			user_agent   TEXT NOT NULL DEFAULT '',
			browser      TEXT NOT NULL DEFAULT '',
			os           TEXT NOT NULL DEFAULT '',
			device       TEXT NOT NULL DEFAULT '',
			service      TEXT NOT NULL DEFAULT '',
			env          TEXT NOT NULL DEFAULT '',
			version      TEXT NOT NULL DEFAULT '',
			first_url    TEXT NOT NULL DEFAULT '',
			last_url     TEXT NOT NULL DEFAULT ''
		)`,
		// One index per sortable column (rowid is implied as the last key,
		// which is exactly the keyset tie-break) and per selective filter.
		`CREATE INDEX sessions_start ON sessions(start)`,
		`CREATE INDEX sessions_app_start ON sessions(app, start)`,
		`CREATE INDEX sessions_end ON sessions(end_ms)`,
		`CREATE INDEX sessions_duration ON sessions(duration)`,
		`CREATE INDEX sessions_view_count ON sessions(view_count)`,
		`CREATE INDEX sessions_error_count ON sessions(error_count)`,
		`CREATE INDEX sessions_action_count ON sessions(action_count)`,
		`CREATE INDEX sessions_replay_start ON sessions(has_replay, start)`,
		`CREATE INDEX sessions_user_id ON sessions(user_id)`,
		`CREATE INDEX sessions_user_email ON sessions(user_email)`,
		`CREATE INDEX sessions_user_name ON sessions(user_name)`,
		`CREATE INDEX sessions_browser ON sessions(browser)`,
		`CREATE INDEX sessions_os ON sessions(os)`,
		`CREATE INDEX sessions_device ON sessions(device)`,

		// Views keep only their latest document_version.
		`CREATE TABLE views (` + eventCommonDDL + `,
			document_version          INTEGER NOT NULL DEFAULT 0,
			name                      TEXT NOT NULL DEFAULT '',
			loading_time              INTEGER NOT NULL DEFAULT 0,
			first_contentful_paint    INTEGER NOT NULL DEFAULT 0,
			largest_contentful_paint  INTEGER NOT NULL DEFAULT 0,
			cumulative_layout_shift   REAL NOT NULL DEFAULT 0,
			interaction_to_next_paint INTEGER NOT NULL DEFAULT 0,
			time_to_first_byte        INTEGER NOT NULL DEFAULT 0,
			time_spent                INTEGER NOT NULL DEFAULT 0,
			action_count              INTEGER NOT NULL DEFAULT 0,
			error_count               INTEGER NOT NULL DEFAULT 0,
			resource_count            INTEGER NOT NULL DEFAULT 0,
			long_task_count           INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE TABLE actions (` + eventCommonDDL + `,
			action_type TEXT NOT NULL DEFAULT '',
			target_name TEXT NOT NULL DEFAULT ''
		)`,
		`CREATE TABLE errors (` + eventCommonDDL + `,
			message TEXT NOT NULL DEFAULT '',
			source  TEXT NOT NULL DEFAULT '',
			kind    TEXT NOT NULL DEFAULT ''
		)`,
		`CREATE TABLE resources (` + eventCommonDDL + `,
			url           TEXT NOT NULL DEFAULT '',
			resource_type TEXT NOT NULL DEFAULT '',
			method        TEXT NOT NULL DEFAULT '',
			status_code   INTEGER NOT NULL DEFAULT 0,
			duration      INTEGER NOT NULL DEFAULT 0,
			size          INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE TABLE long_tasks (` + eventCommonDDL + `,
			duration INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE TABLE vitals (` + eventCommonDDL + `)`,

		`CREATE INDEX views_loading_time ON views(loading_time)`,
		`CREATE INDEX views_time_spent ON views(time_spent)`,
		`CREATE INDEX views_lcp ON views(largest_contentful_paint)`,
		`CREATE INDEX views_error_count ON views(error_count)`,
		`CREATE INDEX resources_duration ON resources(duration)`,
		`CREATE INDEX resources_status ON resources(status_code, date)`,
		`CREATE INDEX resources_type ON resources(resource_type, date)`,
		`CREATE INDEX long_tasks_duration ON long_tasks(duration)`,
		`CREATE INDEX errors_source ON errors(source, date)`,
		`CREATE INDEX actions_type ON actions(action_type, date)`,

		// Replay segment index. deleted marks segments of deleted sessions
		// whose bytes stay until their whole blob file can be dropped.
		`CREATE TABLE segments (
			seq               INTEGER PRIMARY KEY,
			id                TEXT NOT NULL UNIQUE,
			app               TEXT NOT NULL DEFAULT '',
			session_id        TEXT NOT NULL,
			view_id           TEXT NOT NULL DEFAULT '',
			start             INTEGER NOT NULL,
			end_ms            INTEGER NOT NULL,
			records_count     INTEGER NOT NULL DEFAULT 0,
			has_full_snapshot INTEGER NOT NULL DEFAULT 0,
			index_in_view     INTEGER NOT NULL DEFAULT 0,
			source            TEXT NOT NULL DEFAULT '',
			creation_reason   TEXT NOT NULL DEFAULT '',
			raw_size          INTEGER NOT NULL DEFAULT 0,
			format            TEXT NOT NULL DEFAULT '',
			encoding          TEXT NOT NULL DEFAULT '',
			privacy_level     TEXT NOT NULL DEFAULT '',
			recorder_version  TEXT NOT NULL DEFAULT '',
			blob_file         TEXT NOT NULL,
			blob_offset       INTEGER NOT NULL,
			blob_length       INTEGER NOT NULL,
			deleted           INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX segments_session ON segments(session_id, start)`,
		`CREATE INDEX segments_file ON segments(blob_file, deleted)`,
	}
	for _, table := range eventTableNames {
		stmts = append(stmts,
			fmt.Sprintf(`CREATE UNIQUE INDEX %[1]s_id ON %[1]s(id)`, table),
			fmt.Sprintf(`CREATE INDEX %[1]s_date ON %[1]s(date)`, table),
			fmt.Sprintf(`CREATE INDEX %[1]s_session ON %[1]s(session_id, date)`, table),
			fmt.Sprintf(`CREATE INDEX %[1]s_app_date ON %[1]s(app, date)`, table),
		)
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%.60s: %w", s, err)
		}
	}
	return nil
}

// eventTableNames is frozen for migrateInitial; the live mapping from event
// type to table is eventTables.
var eventTableNames = []string{"views", "actions", "errors", "resources", "long_tasks", "vitals"}

// migrate runs the migrations that have not run yet, each in its own
// transaction together with the user_version bump.
func migrate(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this binary (%d): refusing to open", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if err := migrations[i](ctx, tx); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: set version: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: commit: %w", i+1, err)
		}
	}
	return nil
}

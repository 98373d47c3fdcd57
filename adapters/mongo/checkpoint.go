package mongo

import (
	"context"
	"os"
	"time"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// restartLogAt is the size of the embedded store's write-ahead log, in
// pages, at which Checkpoints starts it again. While writes and reads
// never pause, a PASSIVE checkpoint always ends with a few commits left
// to copy, and SQLite starts the log again only at a write that finds
// all of it copied and no reader in it: so the log grows until a
// checkpoint keeps the writers out. Half of the commits' own backstop
// (embedded.WALBackstopPages), so that one never has to.
const restartLogAt = 8192

// restartPatience is how long that checkpoint waits for readers of older
// snapshots while it holds the writer: every write waits as long. A
// reader in the way at its end leaves the log to grow until a later
// tick finds none.
const restartPatience = 20 * time.Millisecond

// forceCheckpointEvery is how many ticks an unchanged log is left
// alone at most (10 s at 250 ms).
const forceCheckpointEvery = 40

// Checkpoints copies the embedded store's write-ahead log into its
// database file every interval until ctx ends, beside the writer, so
// that commits only append to the log (see embedded.WALBackstopPages
// for what a commit's checkpoint cost). When the log has grown to
// restartLogAt pages it holds the writer, as a background write, for one
// checkpoint that lets the log start again. Against MongoDB it returns
// at once.
func (s *Store) Checkpoints(ctx context.Context, interval time.Duration) {
	if s.emb == nil {
		return
	}
	ctx = Background(ctx)
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	var copied os.FileInfo // the log as it was when last copied whole
	skipped := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		files := s.emb.db()
		if files == nil {
			continue // EnsureIndexes has not opened the file yet
		}
		// An idle server's log does not change: a look at the file is
		// cheaper than SQLite's checkpoint, which takes and releases
		// its locks (a tenth of an idle server's CPU when it ran).
		// Every forceCheckpointEvery ticks it checkpoints anyway: a commit
		// in the same tick of the file's clock as the last one copied
		// leaves size and time as they were.
		wal, err := os.Stat(s.sqlFile + "-wal")
		unchanged := err == nil && copied != nil && wal.Size() == copied.Size() && wal.ModTime().Equal(copied.ModTime())
		if unchanged && skipped < forceCheckpointEvery {
			skipped++
			continue
		}
		skipped = 0
		whole, err := s.checkpoint(ctx, files)
		copied = nil
		if whole {
			copied = wal
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			s.emb.log.Warn("embedded store: cannot checkpoint the write-ahead log; commits will once it passes 64 MB",
				"file", s.sqlFile, "err", err)
		case err == nil && failing:
			s.emb.log.Info("embedded store: checkpointing the write-ahead log again", "file", s.sqlFile)
		}
		failing = err != nil
	}
}

// checkpoint runs one checkpoint, reporting whether it found the log
// copied whole at its end.
func (s *Store) checkpoint(ctx context.Context, files *ferretsql.DB) (whole bool, err error) {
	logged, copied, err := files.Checkpoint(ctx)
	if err != nil || logged < restartLogAt {
		return err == nil && logged == copied, err
	}
	// The writer is taken after the checkpoint's connection: a cursor
	// holding a connection of the pool may be waiting for the writer.
	logged, copied, err = files.RestartLog(ctx, restartPatience, func() (func(), error) { return s.guard.write(ctx) })
	return err == nil && logged == copied, err
}

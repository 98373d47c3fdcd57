package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kincare/kincare/adapters/config"
)

const signingKeyFile = "jwt-signing.key"

// signingKey is JWT_SIGNING_KEY when set. Otherwise (development only, as
// config refuses production without it) a key is generated once and kept
// under DATA_DIR, so tokens survive a restart.
func signingKey(cfg config.Config) ([]byte, error) {
	if cfg.JWTSigningKey != nil {
		return cfg.JWTSigningKey, nil
	}
	path := filepath.Join(cfg.DataDir, signingKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("signing key %s is corrupt; delete it to generate a new one (all sessions end)", path)
		}
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create %s: %w", cfg.DataDir, err)
	}
	// O_EXCL: if two processes race on a fresh DATA_DIR, one writes and
	// the other reads what was written.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return signingKey(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	return key, f.Sync()
}

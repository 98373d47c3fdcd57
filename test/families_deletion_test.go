package e2e_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // to read what the embedded FerretDB stored
)

// TestSonDeletesHisAccountAndHisNumberGoesWithIt: the son owns the Wang
// family (his sister is a member), is his mother's emergency contact and
// his nephew's pickup person, has a family of his own, is a member of his
// cousin's family with one more invite from her waiting. He deletes his
// account. His sister now owns the Wangs, whose records remain without
// his number; the family he was alone in is gone; he cannot use his
// tokens or password; logging in again with his number starts a new
// account; and his number is nowhere in the stored data.
//
// The server runs on its embedded stores, whatever the environment says,
// so the stored data can be read from DATA_DIR afterwards, and so a
// restart forgets the one-code-a-minute limit on his phone.
func TestSonDeletesHisAccountAndHisNumberGoesWithIt(t *testing.T) {
	t.Parallel()
	dataDir, gateway := t.TempDir(), newSMSGateway(t)
	embedded := familyEnv("MONGODB_URI", "")
	for _, name := range redisVariables {
		embedded[name] = ""
	}
	srv := startServer(t, config{dataDir: dataDir, sms: gateway, env: embedded})
	son, sister, cousin := srv.signUp(t), srv.signUp(t), srv.signUp(t)

	wangs := son.createFamily(t, "王家")
	sister.join(t, son, wangs.ID, "member")
	son.consent(t, wangs.ID, "child_data", "")
	motherPhone := newPhone()
	mother := son.addElder(t, wangs.ID, elderBody("王秀兰", map[string]any{
		"phone": motherPhone.national,
		"emergencyContacts": []map[string]string{
			{"name": "王小明", "relation": "儿子", "phone": son.phone.national},
			{"name": "王小红", "relation": "女儿", "phone": sister.phone.e164},
		},
	}))
	nephew := sister.addChild(t, wangs.ID, childBody("王乐乐", dateAgo(3, 2, 0)))
	sister.addPickup(t, nephew.ID, "王小明", "舅舅", son.phone)
	grandmaPhone := newPhone()
	grandma := sister.addPickup(t, nephew.ID, "李秀英", "外婆", grandmaPhone)

	own := son.createFamily(t, uniqueName("SoloFamily"))
	ownElder := son.addElder(t, own.ID, elderBody(uniqueName("SoloElder"), map[string]any{
		"emergencyContacts": []map[string]string{{"name": "王小明", "relation": "儿子", "phone": son.phone.national}},
	}))

	zhangs := cousin.createFamily(t, "张家")
	accepted := cousin.invite(t, zhangs.ID, &son.phone, "member")
	waiting := cousin.invite(t, zhangs.ID, &son.phone, "owner")
	wantStatus(t, son.accept(t, accepted.Code), http.StatusOK)

	wantStatus(t, son.do(t, http.MethodPut, devicePath(fcmToken()), map[string]string{"platform": "android", "app": "family"}), http.StatusCreated)
	wantStatus(t, son.do(t, http.MethodPut, "/v1/me/password", map[string]string{"password": "correct horse 42"}), http.StatusNoContent)
	if got := must[listPage[pendingInvite]](t, son.get(t, "/v1/me/invites"), http.StatusOK).Items; len(got) != 1 || got[0].Code != waiting.Code {
		t.Fatalf("son's pending invites %s, want the waiting one", compactJSON(got))
	}

	// He deletes his account.
	wantStatus(t, son.del(t, "/v1/me"), http.StatusNoContent)

	t.Run("his tokens and password no longer work", func(t *testing.T) {
		wantUnauthenticated(t, son.get(t, "/v1/me"))
		wantUnauthenticated(t, srv.refresh(t, son.refresh))
		wantUnauthenticated(t, srv.post(t, "/v1/auth/login", map[string]string{"phone": son.phone.national, "password": "correct horse 42"}))
	})
	t.Run("his old access token creates nothing", func(t *testing.T) {
		r := son.post(t, "/v1/families", map[string]string{"name": "幽灵家"})
		if r.status != http.StatusUnauthorized {
			t.Errorf("a deleted account's access token created a family: %s, want 401", r)
		}
	})
	t.Run("his sister owns the Wangs, whose records remain without his number", func(t *testing.T) {
		wantMembers(t, "the Wangs after his deletion", sister.family(t, wangs.ID), map[string]string{sister.id: "owner"})
		m := sister.elder(t, mother.ID)
		if len(m.EmergencyContacts) != 1 || m.EmergencyContacts[0].Phone != sister.phone.e164 {
			t.Errorf("mother's emergency contacts %s, want only the sister", compactJSON(m.EmergencyContacts))
		}
		if m.Phone != motherPhone.e164 || m.Name != "王秀兰" {
			t.Errorf("mother's own record changed: %s", compactJSON(m))
		}
		n := sister.child(t, nephew.ID)
		if len(n.PickupPersons) != 1 || n.PickupPersons[0].ID != grandma.ID {
			t.Errorf("nephew's pickup persons %s, want only the grandmother", compactJSON(n.PickupPersons))
		}
		// As the owner now, she can do what owners do.
		wantStatus(t, sister.get(t, "/v1/families/"+wangs.ID+"/audit"), http.StatusOK)
	})
	t.Run("his cousin's family lost him and her waiting invite to him", func(t *testing.T) {
		wantMembers(t, "the Zhangs after his deletion", cousin.family(t, zhangs.ID), map[string]string{cousin.id: "owner"})
		if live := must[listPage[inviteView]](t, cousin.get(t, "/v1/families/"+zhangs.ID+"/invites"), http.StatusOK).Items; hasInvite(live, waiting.ID) {
			t.Errorf("the invite to his phone is still live: %s", compactJSON(live))
		}
	})

	// Stopped, the server leaves its data in SQLite files under DATA_DIR,
	// documents as JSON text. They are searched twice: the documents
	// stored now, and every byte of the files, where deleted data may
	// linger in freed space.
	srv.stop(t)
	mongoDir := filepath.Join(dataDir, "mongo")
	stored := storedBytes(t, mongoDir)
	documents := storedDocuments(t, mongoDir)
	// The searches find what is there: the sister's number and the Wangs.
	for what, s := range map[string]string{"the sister's number": sister.phone.e164, "the Wangs' elder": mother.ID, "the grandmother's number": grandmaPhone.e164} {
		if !bytes.Contains(stored, []byte(s)) || !strings.Contains(documents, s) {
			t.Fatalf("the stored data does not contain %s (%s): the search cannot be trusted", what, s)
		}
	}
	for what, s := range map[string]string{
		"his number (E.164)": son.phone.e164, "his number (national)": son.phone.national,
		"the family he was alone in": own.Name, "the elder of that family": ownElder.Name,
	} {
		switch {
		case strings.Contains(documents, s):
			t.Errorf("after deletion a stored document still contains %s (%s)%s", what, s, around(documents, s))
		case bytes.Contains(stored, []byte(s)):
			t.Errorf("after deletion no stored document contains %s (%s), but the SQLite files under DATA_DIR/mongo still do, "+
				"in space freed by the deletion: the embedded store leaves erased data readable on disk "+
				"(SQLite's secure_delete is off)%s", what, s, whereStored(t, mongoDir, s))
		}
	}

	// Restarted on the same data, his number signs up as someone new.
	srv = startServer(t, config{dataDir: dataDir, sms: gateway, env: embedded})
	again := srv.login(t, son.phone)
	if !again.NewUser || again.User.ID == son.id || again.User.ID == "" {
		t.Errorf("logging in again: newUser %v, id %s; want a new account, not %s", again.NewUser, again.User.ID, son.id)
	}
	newSon := &person{srv: srv, phone: son.phone, id: again.User.ID, access: again.Access}
	if fs := must[listPage[familySummary]](t, newSon.get(t, "/v1/families"), http.StatusOK).Items; len(fs) != 0 {
		t.Errorf("the new account belongs to families %s", compactJSON(fs))
	}
	if got := must[listPage[pendingInvite]](t, newSon.get(t, "/v1/me/invites"), http.StatusOK).Items; len(got) != 0 {
		t.Errorf("the new account inherited invites %s", compactJSON(got))
	}
	wantProblem(t, newSon.accept(t, waiting.Code), http.StatusNotFound, "invite_not_found")
	sister.srv = srv
	wantMembers(t, "the Wangs after the restart", sister.family(t, wangs.ID), map[string]string{sister.id: "owner"})
}

// wantUnauthenticated asserts a 401 problem, whatever its code.
func wantUnauthenticated(t *testing.T, r *response) {
	t.Helper()
	if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("got %s, want a 401 problem", r)
	}
}

// storedBytes is every file under dir, concatenated.
func storedBytes(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	files := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		all = append(append(all, b...), 0)
		return nil
	})
	if err != nil {
		t.Fatalf("read stored data: %v", err)
	}
	if files == 0 {
		t.Fatalf("no files under %s: is this the embedded store's directory?", dir)
	}
	return all
}

// storedDocuments is every row of every table of the SQLite databases
// under dir, as text, one row a line: what the store holds now.
func storedDocuments(t *testing.T, dir string) string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no SQLite databases under %s (%v)", dir, err)
	}
	var out strings.Builder
	for _, path := range paths {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		tables, err := queryStrings(db, `SELECT name FROM sqlite_master WHERE type = 'table'`)
		if err != nil {
			t.Fatalf("list tables of %s: %v", path, err)
		}
		for _, table := range tables {
			rows, err := queryStrings(db, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
			if err != nil {
				t.Fatalf("read %s of %s: %v", table, path, err)
			}
			for _, r := range rows {
				out.WriteString(table + ": " + r + "\n")
			}
		}
		db.Close()
	}
	return out.String()
}

// queryStrings runs q and renders each row's columns as one string.
func queryStrings(db *sql.DB, q string) ([]string, error) {
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var parts []string
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out, rows.Err()
}

// around is the line of text holding s.
func around(text, s string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			return "\n\tin " + line
		}
	}
	return ""
}

// whereStored names the files under dir holding s, with some context.
func whereStored(t *testing.T, dir, s string) string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		if i := bytes.Index(b, []byte(s)); i >= 0 {
			from, to := max(0, i-120), min(len(b), i+len(s)+60)
			out = append(out, filepath.Base(path)+": …"+strings.ToValidUTF8(string(b[from:to]), "?")+"…")
		}
		return nil
	})
	return "\n\tin " + strings.Join(out, "\n\tin ")
}

package ferretsql

// QueryInt runs a query answering one integer, for tests to look at the
// file's schema.
func QueryInt(d *DB, q string, args ...any) (int, error) {
	var n int
	err := d.db.QueryRow(q, args...).Scan(&n)
	return n, err
}

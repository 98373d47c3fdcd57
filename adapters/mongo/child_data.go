package mongo

import "context"

// ChildData is the child store as erasure sees it: a child's data is
// their record and also what was written about them since (the daily
// reports; the health notes of their days in care). Deleting a child, or
// a family's children when it withdraws its consent or dissolves, erases
// all of it; the bare facts of attendance stay, the provider's record.
type ChildData struct {
	*Children
	reports *Reports
	days    *Days
}

func (s *Store) ChildData() *ChildData {
	return &ChildData{Children: s.Children(), reports: s.Reports(), days: s.Days()}
}

// Delete erases a child and their reports.
func (c *ChildData) Delete(ctx context.Context, id string) error {
	rec, err := c.Children.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := c.reports.DeleteByChild(ctx, id); err != nil {
		return err
	}
	if err := c.days.Scrub(ctx, rec.FamilyID, id); err != nil {
		return err
	}
	return c.Children.Delete(ctx, id)
}

// DeleteByFamily erases a family's children, their reports, and the
// health data of their days in care.
func (c *ChildData) DeleteByFamily(ctx context.Context, familyID string) error {
	if err := c.reports.DeleteByFamily(ctx, familyID); err != nil {
		return err
	}
	if err := c.days.Scrub(ctx, familyID, ""); err != nil {
		return err
	}
	return c.Children.DeleteByFamily(ctx, familyID)
}

package elder

import (
	"errors"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// An elder is removed (by the owner, or with their dissolving family)
// only while no alarm about them is live, and no alarm is raised for an
// elder whose removal has begun. MongoDB here has no transactions, so the
// elder's own document is where the two meet: an alarm notes its
// incident on the elder before storing it (BeginAlarm), and a removal
// begins (BeginRemoval) only after checking the incidents of every alarm
// noted, in one versioned write that fails if another alarm was noted
// meanwhile. Whichever write comes second sees the first.

// ErrHasOpenIncident refuses to remove an elder, or dissolve their
// family, while an alarm about them is open or acknowledged but not
// resolved: whoever answers it needs the elder's record and their family.
// The incidents' ids go to the client with it (OpenIncidents).
var ErrHasOpenIncident = fault.New(fault.Conflict, "elder_has_open_incident")

// OpenIncidents is ErrHasOpenIncident naming the incidents, for the app
// to open them.
func OpenIncidents(ids []string) *fault.Error {
	return ErrHasOpenIncident.WithMembers(map[string]any{"incidentIds": ids})
}

// AlarmGrace is how long an alarm noted on the elder may take to store
// its incident. A removal counts a noted alarm whose incident is not
// stored yet as open for this long; after it, the raise has failed, and
// BeginAlarm forgets the note.
const AlarmGrace = time.Minute

// Alarm is an incident being raised for the elder, noted before it is
// stored.
type Alarm struct {
	IncidentID string
	At         time.Time
}

// Removal is the elder's removal under way: from Since the elder raises
// no alarm, and the family's owner (or its last member) finishes it.
type Removal struct {
	ID    string // of the request that began it, to take it back by
	Since time.Time
	By    string
}

// Removing reports whether the elder's removal has begun.
func (e Elder) Removing() bool { return e.Removal != nil }

// ErrRemovalUnderway is why an alarm finds the elder not found while
// their removal is under way (ErrNotFound wraps it). To a client the
// elder is gone; an alarm kept already (a device's stored event) waits
// instead for the removal to end, since one that died is taken back
// and the elder's alarms count again (app/homedevices).
var ErrRemovalUnderway = errors.New("elder: removal under way")

// BeginAlarm notes an incident about to be raised for the elder; an
// elder whose removal has begun is not found, as one removed
// (ErrNotFound, wrapping ErrRemovalUnderway).
func (e *Elder) BeginAlarm(incidentID string, now time.Time) error {
	if e.Removal != nil {
		return ErrNotFound.Wrap(ErrRemovalUnderway)
	}
	e.Alarms = slices.DeleteFunc(e.Alarms, func(a Alarm) bool { return now.Sub(a.At) >= AlarmGrace })
	e.Alarms = append(e.Alarms, Alarm{IncidentID: incidentID, At: now.UTC()})
	return nil
}

// ForgetAlarm takes back the note of an incident that will not be
// stored (it lost the race to another alarm of the elder).
func (e *Elder) ForgetAlarm(incidentID string) {
	e.Alarms = slices.DeleteFunc(e.Alarms, func(a Alarm) bool { return a.IncidentID == incidentID })
}

// ErrAlarmsChanged is BeginRemoval finding an alarm noted since the
// caller checked: the caller checks again. It never reaches a client.
var ErrAlarmsChanged = errors.New("elder: an alarm was noted since the removal checked")

// BeginRemoval begins the elder's removal r, the alarms checked being
// the incident ids whose state the caller judged. An alarm noted since
// is ErrAlarmsChanged; a removal begun already stays as it was.
func (e *Elder) BeginRemoval(r Removal, checked []string) error {
	if e.Removal != nil {
		return nil
	}
	for _, a := range e.Alarms {
		if !slices.Contains(checked, a.IncidentID) {
			return ErrAlarmsChanged
		}
	}
	r.Since = r.Since.UTC()
	e.Removal = &r
	return nil
}

// CancelRemoval takes back the removal with id removalID, when the
// caller goes no further (a family's dissolution that stopped, another
// elder of it having an open alarm, or someone having joined): the
// elder raises alarms again. Another's removal stays.
func (e *Elder) CancelRemoval(removalID string) bool {
	if e.Removal == nil || e.Removal.ID != removalID {
		return false
	}
	e.Removal = nil
	return true
}

// RemovalGrace is how long a removal may run from its mark (or its
// retry's renewal) to its end. A mark older than this, on an elder whose
// family lives on, was left by a removal that died part-way (a crash
// between the mark and the erasure, or before a dissolution that was
// going no further took its marks back): the repair takes it back
// (TakeBackRemoval), so the elder's alarms are raised again. A removal
// takes seconds; the margin is for a store that is slow, never for one
// that is gone.
const RemovalGrace = 10 * time.Minute

// RenewRemoval restarts the clock of a removal under way, for a retry
// that finishes it: the repair leaves a mark younger than RemovalGrace
// alone. False if no removal is under way (the repair took it back):
// the retry begins a removal of its own, judging alarms again.
func (e *Elder) RenewRemoval(now time.Time) bool {
	if e.Removal == nil {
		return false
	}
	e.Removal.Since = now.UTC()
	return true
}

// ErrRemovalTakenBack is an erasure that finds the elder no longer
// marked by its removal: the removal ran past RemovalGrace and the
// repair took it back. The remover begins again, judging the alarms
// raised since. It never reaches a client.
var ErrRemovalTakenBack = errors.New("elder: the removal was taken back")

// TakeBackRemoval takes back the removal removalID if it began (or was
// last renewed) at or before cutoff: the repair of a removal that died
// part-way in a family that lives on. A removal renewed since, or
// another one, stays.
func (e *Elder) TakeBackRemoval(removalID string, cutoff time.Time) bool {
	if e.Removal == nil || e.Removal.ID != removalID || e.Removal.Since.After(cutoff) {
		return false
	}
	e.Removal = nil
	return true
}

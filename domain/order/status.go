package order

// Status is where an order stands. The names are part of the API.
type Status string

const (
	StatusCreated             Status = "created"
	StatusDispatching         Status = "dispatching"
	StatusOffered             Status = "offered"
	StatusAccepted            Status = "accepted"
	StatusEnRoute             Status = "en_route"
	StatusArrived             Status = "arrived"
	StatusInService           Status = "in_service"
	StatusCompleted           Status = "completed"
	StatusConfirmed           Status = "confirmed"
	StatusCancelledByFamily   Status = "cancelled_by_family"
	StatusCancelledByProvider Status = "cancelled_by_provider"
	StatusNoShowCaregiver     Status = "no_show_caregiver"
	StatusNoShowRecipient     Status = "no_show_recipient"
	StatusExpired             Status = "expired"
)

// Statuses lists every status in the order an order usually passes them.
var Statuses = []Status{StatusCreated, StatusDispatching, StatusOffered, StatusAccepted, StatusEnRoute,
	StatusArrived, StatusInService, StatusCompleted, StatusConfirmed, StatusCancelledByFamily,
	StatusCancelledByProvider, StatusNoShowCaregiver, StatusNoShowRecipient, StatusExpired}

// Valid reports whether s is a status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Terminal reports whether the order has ended: nothing moves it again.
// Rating and complaints follow a terminal order but change no status.
func (s Status) Terminal() bool {
	switch s {
	case StatusConfirmed, StatusCancelledByFamily, StatusCancelledByProvider,
		StatusNoShowCaregiver, StatusNoShowRecipient, StatusExpired:
		return true
	}
	return false
}

// Held reports whether a caregiver holds the order and it is still under
// way: from acceptance to check-out. A second acceptance now is the
// loser of the race (order_already_accepted), and a family's
// cancellation now costs the provider's fee.
func (s Status) Held() bool {
	switch s {
	case StatusAccepted, StatusEnRoute, StatusArrived, StatusInService, StatusCompleted:
		return true
	}
	return false
}

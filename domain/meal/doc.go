// Package meal is meal aid (助餐) from community canteens (幸福食堂,
// 老年餐桌): a canteen's meal windows with their serving times, order
// cutoffs and portions, where it hands meals out (dine-in, pick-up
// points, delivery areas) and the days it is closed; the daily menu of
// each window; the regulators' per-meal subsidy rules by elder
// category; and the meal order a family places for an elder. A window's
// portions on one day are a slot of the reservation engine (resource
// kind reservation.MealWindow), so they never oversell; this package
// holds the rules, not the seats. Pure domain code: it imports no
// drivers, and time is always passed in.
package meal

//! Stepping a date range through time: the frames of an animated picture and the steps of the
//! window's timeline playback are the same list, so the two never disagree about what a
//! "month" of data shows.
//!
//! A step is a calendar unit (week, month, quarter). Frame `k` shows the data from the range's
//! first day up to the end of its `k`-th step (the network grows as time passes), clipped to the
//! range. Steps start on the range's first day, not on calendar boundaries, so a range that
//! starts on 2 June steps 2 Jun – 1 Jul, 2 Jun – 1 Aug, … A range the unit cannot fill gives one
//! frame; a range that would need more than the cap gives the cap and says so.

use crate::date::Day;

/// How far one step moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepUnit {
    Week,
    Month,
    Quarter,
}

impl StepUnit {
    pub const ALL: [StepUnit; 3] = [StepUnit::Week, StepUnit::Month, StepUnit::Quarter];

    pub fn as_str(self) -> &'static str {
        match self {
            StepUnit::Week => "week",
            StepUnit::Month => "month",
            StepUnit::Quarter => "quarter",
        }
    }

    pub fn parse(text: &str) -> Option<StepUnit> {
        StepUnit::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The day `n` steps after `start`.
    pub fn advance(self, start: Day, n: i32) -> Day {
        match self {
            StepUnit::Week => Day(start.0.saturating_add(n.saturating_mul(7))),
            StepUnit::Month => add_months(start, n),
            StepUnit::Quarter => add_months(start, n.saturating_mul(3)),
        }
    }
}

/// `start` plus `months` calendar months; a day past the end of the target month becomes its
/// last day (31 Jan + 1 month = 28 or 29 Feb).
fn add_months(start: Day, months: i32) -> Day {
    let date = start.to_date();
    let index = i32::from(date.year()) * 12 + i32::from(date.month()) - 1 + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let Ok(year) = i16::try_from(year) else {
        return Day(i32::MAX);
    };
    (0..4)
        .find_map(|back| Day::from_ymd(year, month as i8, (date.day() - back).max(1)))
        .unwrap_or(Day(i32::MAX))
}

/// One frame: the data shown is `from..=to`; `step_from` is where this step's new data starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    pub from: Day,
    pub step_from: Day,
    pub to: Day,
}

/// The frames of a range, and whether the cap cut them short.
#[derive(Clone, Debug, PartialEq)]
pub struct Steps {
    pub frames: Vec<Frame>,
    /// How many frames the whole range would have needed, when more than the cap.
    pub capped_from: Option<usize>,
}

impl Steps {
    /// A sentence for the user when the frames were capped, naming both numbers.
    pub fn cap_note(&self, unit: StepUnit) -> Option<String> {
        self.capped_from.map(|wanted| {
            format!(
                "the range needs {wanted} {}s; showing the first {} frames",
                unit.as_str(),
                self.frames.len()
            )
        })
    }
}

/// Why a range cannot be stepped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StepError {
    #[error("the range ends ({to}) before it starts ({from})")]
    Reversed { from: Day, to: Day },
    #[error("at most {0} frames is not enough for one")]
    NoFrames(usize),
}

/// The range a playback or an animation steps through: the filter's own dates where it sets
/// them; where it leaves an end open, the first or last day of the shipments it shows
/// (`shipped`), so the steps do not open on months of nothing before the story starts; with
/// no shipment shown, the data's span. `None` when an end is open and there are no shipments.
pub fn range(
    from: Option<Day>,
    to: Option<Day>,
    shipped: Option<(Day, Day)>,
    data: Option<(Day, Day)>,
) -> Option<(Day, Day)> {
    let open = shipped.or(data);
    Some((from.or(open.map(|s| s.0))?, to.or(open.map(|s| s.1))?))
}

/// The frames stepping `from..=to` by `unit`, at most `max_frames`. The last frame always ends
/// on `to` (unless capped), so the final picture shows the whole range.
pub fn steps(from: Day, to: Day, unit: StepUnit, max_frames: usize) -> Result<Steps, StepError> {
    if to < from {
        return Err(StepError::Reversed { from, to });
    }
    if max_frames == 0 {
        return Err(StepError::NoFrames(max_frames));
    }
    let mut frames = Vec::new();
    let mut n = 0i32;
    let mut step_from = from;
    let mut wanted = 0usize;
    loop {
        n += 1;
        let next = unit.advance(from, n);
        let end = Day(next.0.saturating_sub(1)).min(to).max(step_from);
        wanted += 1;
        if frames.len() < max_frames {
            frames.push(Frame {
                from,
                step_from,
                to: end,
            });
        }
        if end >= to || next.0 == i32::MAX {
            break;
        }
        step_from = next;
    }
    let capped_from = (wanted > frames.len()).then_some(wanted);
    Ok(Steps {
        frames,
        capped_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Day {
        Day::from_ymd(y, m, day).unwrap()
    }

    #[test]
    fn months_from_the_first_day_cover_the_range_and_end_on_it() {
        let s = steps(d(2022, 6, 2), d(2022, 11, 16), StepUnit::Month, 100).unwrap();
        assert_eq!(s.capped_from, None);
        assert_eq!(s.frames.len(), 6);
        assert_eq!(s.frames[0].to, d(2022, 7, 1));
        assert_eq!(s.frames[1].step_from, d(2022, 7, 2));
        assert_eq!(s.frames.last().unwrap().to, d(2022, 11, 16));
        assert!(s.frames.iter().all(|f| f.from == d(2022, 6, 2)));
        assert!(s.frames.windows(2).all(|w| w[0].to < w[1].to));
    }

    #[test]
    fn open_ends_take_the_shown_shipments_then_the_datas_dates() {
        let data = Some((d(2021, 1, 2), d(2023, 12, 31)));
        let shipped = Some((d(2022, 2, 9), d(2022, 11, 30)));
        assert_eq!(
            range(None, None, shipped, data),
            Some((d(2022, 2, 9), d(2022, 11, 30)))
        );
        // The filter's own dates win, even outside what is shown.
        assert_eq!(
            range(Some(d(2021, 6, 1)), None, shipped, data),
            Some((d(2021, 6, 1), d(2022, 11, 30)))
        );
        assert_eq!(
            range(None, Some(d(2023, 1, 1)), None, data),
            Some((d(2021, 1, 2), d(2023, 1, 1)))
        );
        assert_eq!(range(None, None, None, None), None);
        assert_eq!(
            range(Some(d(2022, 1, 1)), Some(d(2022, 2, 1)), None, None),
            Some((d(2022, 1, 1), d(2022, 2, 1)))
        );
    }

    #[test]
    fn a_single_day_is_one_frame_and_a_long_range_is_capped_with_a_note() {
        let one = steps(d(2022, 6, 2), d(2022, 6, 2), StepUnit::Quarter, 24).unwrap();
        assert_eq!(one.frames.len(), 1);
        assert_eq!(one.frames[0].to, d(2022, 6, 2));
        let long = steps(d(2015, 1, 1), d(2024, 12, 31), StepUnit::Week, 24).unwrap();
        assert_eq!(long.frames.len(), 24);
        assert_eq!(long.capped_from, Some(522));
        assert!(long.cap_note(StepUnit::Week).unwrap().contains("522 weeks"));
    }

    #[test]
    fn month_ends_clamp_and_reversed_ranges_are_refused() {
        assert_eq!(StepUnit::Month.advance(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(
            StepUnit::Quarter.advance(d(2022, 11, 30), 1),
            d(2023, 2, 28)
        );
        assert!(steps(d(2022, 2, 1), d(2022, 1, 1), StepUnit::Week, 5).is_err());
        assert!(steps(d(2022, 1, 1), d(2022, 2, 1), StepUnit::Week, 0).is_err());
    }
}

use std::cmp::Reverse;

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: u32,
    pub title: String,
    pub priority: u8,
    pub age_days: u32,
}

#[derive(Debug, Clone, Copy)]
pub enum SortKey {
    Priority,
    Age,
    Title,
}

pub fn sort_tasks(tasks: &mut [Task], key: SortKey, descending: bool) {
    tasks.sort_by(|a, b| {
        let ord = match key {
            SortKey::Priority => a.priority.cmp(&b.priority),
            SortKey::Age => a.age_days.cmp(&b.age_days),
            SortKey::Title => a.title.cmp(&b.title),
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then_with(|| a.id.cmp(&b.id))
    });
}

pub fn top_by_age(tasks: &[Task], n: usize) -> Vec<u32> {
    let mut refs: Vec<&Task> = tasks.iter().collect();
    refs.sort_by_key(|t| (Reverse(t.age_days), t.id));
    refs.iter().take(n).map(|t| t.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks() -> Vec<Task> {
        [
            (4, "write docs", 2, 10),
            (1, "fix bug", 1, 3),
            (3, "add tests", 2, 10),
            (2, "release", 3, 1),
        ]
        .into_iter()
        .map(|(id, title, priority, age_days)| Task { id, title: title.to_string(), priority, age_days })
        .collect()
    }

    fn ids(v: &[Task]) -> Vec<u32> {
        v.iter().map(|t| t.id).collect()
    }

    #[test]
    fn ascending_with_id_tie_break() {
        let mut v = tasks();
        sort_tasks(&mut v, SortKey::Priority, false);
        assert_eq!(ids(&v), vec![1, 3, 4, 2]);
        sort_tasks(&mut v, SortKey::Title, false);
        assert_eq!(ids(&v), vec![3, 1, 2, 4]);
    }

    #[test]
    fn descending_keeps_id_ascending_on_ties() {
        let mut v = tasks();
        sort_tasks(&mut v, SortKey::Age, true);
        assert_eq!(ids(&v), vec![3, 4, 1, 2]);
        sort_tasks(&mut v, SortKey::Priority, true);
        assert_eq!(ids(&v), vec![2, 3, 4, 1]);
    }

    #[test]
    fn oldest_first() {
        let v = tasks();
        assert_eq!(top_by_age(&v, 3), vec![3, 4, 1]);
        assert_eq!(top_by_age(&v, 0), Vec::<u32>::new());
        assert_eq!(top_by_age(&v, 99).len(), 4);
        assert_eq!(ids(&v), vec![4, 1, 3, 2], "input is not reordered");
    }
}

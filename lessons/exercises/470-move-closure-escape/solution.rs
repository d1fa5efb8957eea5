use std::thread::{self, JoinHandle};

pub fn make_prefixer(tag: String) -> impl Fn(&str) -> String {
    move |line: &str| format!("[{tag}] {line}")
}

pub fn spawn_counter(words: Vec<String>, needle: char) -> JoinHandle<usize> {
    thread::spawn(move || words.iter().filter(|w| w.contains(needle)).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixer_owns_its_tag() {
        let p = {
            let tag = String::from("db");
            make_prefixer(tag)
        };
        assert_eq!(p("connected"), "[db] connected");
        assert_eq!(p(""), "[db] ");
    }

    #[test]
    fn counter_thread_owns_its_words() {
        let words: Vec<String> = ["alpha", "beta", "gamma", "delta"].map(String::from).to_vec();
        let handle = spawn_counter(words, 'l');
        assert_eq!(handle.join().unwrap(), 2);
        let none = spawn_counter(vec![], 'x');
        assert_eq!(none.join().unwrap(), 0);
    }
}

struct Song {
    title: String,
    secs: u32,
}

struct Playlist {
    songs: Vec<Song>,
}

// TODO: impl<'a> IntoIterator for &'a Playlist.

fn total_secs(p: &Playlist) -> u32 {
    let mut total = 0;
    for song in p {
        total += song.secs;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_over_songs() {
        let song = |title: &str, secs| Song { title: title.to_string(), secs };
        let p = Playlist { songs: vec![song("intro", 90), song("theme", 200)] };
        assert_eq!(total_secs(&p), 290);
        let titles: Vec<&str> = (&p).into_iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["intro", "theme"]);
    }
}

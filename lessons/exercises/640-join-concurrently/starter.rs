use std::sync::Arc;
use tokio::sync::Barrier;

pub struct Services {
    gate: Barrier,
}

impl Services {
    /// Every call waits until `expected_calls` calls have started.
    pub fn new(expected_calls: usize) -> Self {
        Services { gate: Barrier::new(expected_calls) }
    }

    pub async fn name(&self, id: u32) -> String {
        self.gate.wait().await;
        format!("user{id}")
    }

    pub async fn orders(&self, id: u32) -> u32 {
        self.gate.wait().await;
        id * 2
    }

    pub async fn recommendations(&self, id: u32) -> Vec<String> {
        self.gate.wait().await;
        vec![format!("item{}", id + 1)]
    }
}

#[derive(Debug, PartialEq)]
pub struct Dashboard {
    pub name: String,
    pub orders: u32,
    pub recommendations: Vec<String>,
}

pub async fn dashboard(svc: &Services, id: u32) -> Dashboard {
    // One after the other: each call waits for the others, which never start.
    let name = svc.name(id).await;
    let orders = svc.orders(id).await;
    let recommendations = svc.recommendations(id).await;
    Dashboard { name, orders, recommendations }
}

pub async fn fetch_names(svc: Arc<Services>, ids: &[u32]) -> Vec<String> {
    let mut out = Vec::new();
    for &id in ids {
        out.push(svc.name(id).await);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::timeout;

    const LIMIT: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn dashboard_calls_run_concurrently() {
        let svc = Services::new(3);
        let d = timeout(LIMIT, dashboard(&svc, 7)).await.expect("sequential calls never finish");
        assert_eq!(
            d,
            Dashboard { name: "user7".into(), orders: 14, recommendations: vec!["item8".into()] }
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn names_are_fetched_concurrently_in_order() {
        let ids = [5, 1, 9, 3];
        let svc = Arc::new(Services::new(ids.len()));
        let names = timeout(LIMIT, fetch_names(svc, &ids)).await.expect("sequential calls never finish");
        assert_eq!(names, vec!["user5", "user1", "user9", "user3"]);
    }

    #[tokio::test]
    async fn no_ids_no_calls() {
        let svc = Arc::new(Services::new(1));
        assert!(fetch_names(svc, &[]).await.is_empty());
    }
}

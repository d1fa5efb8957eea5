use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub struct Node {
    pub name: String,
    pub parent: RefCell<Weak<Node>>,
    pub children: RefCell<Vec<Rc<Node>>>,
}

impl Node {
    pub fn root(name: &str) -> Rc<Node> {
        Rc::new(Node {
            name: name.to_string(),
            parent: RefCell::new(Weak::new()),
            children: RefCell::new(Vec::new()),
        })
    }
}

pub fn add_child(parent: &Rc<Node>, name: &str) -> Rc<Node> {
    todo!("add {name} under {}", parent.name)
}

pub fn path(node: &Rc<Node>) -> String {
    todo!("path of {}", node.name)
}

pub fn parent_name(node: &Node) -> Option<String> {
    todo!("parent of {}", node.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_walk_up_the_parents() {
        let root = Node::root("srv");
        let data = add_child(&root, "data");
        let seg = add_child(&data, "segment-0001.log");
        assert_eq!(path(&seg), "/srv/data/segment-0001.log");
        assert_eq!(path(&root), "/srv");
        assert_eq!(parent_name(&seg).as_deref(), Some("data"));
        assert_eq!(parent_name(&root), None);
        assert_eq!(root.children.borrow().len(), 1);
        assert_eq!(data.children.borrow()[0].name, "segment-0001.log");
    }

    #[test]
    fn parents_are_not_kept_alive_by_children() {
        let root = Node::root("r");
        let child = add_child(&root, "c");
        assert_eq!(Rc::strong_count(&root), 1, "the child must hold a Weak, not an Rc");
        assert_eq!(Rc::weak_count(&root), 1);
        assert_eq!(Rc::strong_count(&child), 2, "the parent and our handle");
        drop(root);
        assert_eq!(parent_name(&child), None);
        assert_eq!(path(&child), "/c");
        assert_eq!(Rc::strong_count(&child), 1);
    }

    #[test]
    fn dropping_the_root_frees_the_tree() {
        let root = Node::root("r");
        let weak_leaf = {
            let a = add_child(&root, "a");
            let leaf = add_child(&a, "leaf");
            Rc::downgrade(&leaf)
        };
        assert!(weak_leaf.upgrade().is_some());
        drop(root);
        assert!(weak_leaf.upgrade().is_none(), "the whole tree was freed");
    }
}

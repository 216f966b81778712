//! The tagged-PDF structure of laid-out pages.
//!
//! Layout brackets what it sets with [`Item::Begin`] / [`Item::End`] (a
//! heading, a paragraph, a table cell, a link, an artifact). [`Builder`]
//! walks a document's pages in order, once, and turns those brackets into a
//! structure tree ([`Tree`]) whose leaves are marked-content sequences of
//! the pages (page, MCID) and link annotations; for each page it gives the
//! [`Seg`]ments the content-stream writer wraps in `BDC` … `EMC`
//! (`/P <</MCID 3>>`) or `/Artifact` so that both agree on every MCID.
//!
//! A page's content stream is the same bytes in its document's PDF and in
//! the binder, so the tree of a document (pages counted from its first) is
//! kept with its pages in the page cache and moved into the binder's tree
//! with an offset ([`Tree::append`]).

use serde::{Deserialize, Serialize};

use super::display::{Artifact, Item, Role};

/// A kid of a structure element, packed into one number (the page cache
/// stores thousands of them): an element, a marked-content sequence of a
/// page, or a link annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Kid(u64);

/// A [`Kid`] unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KidRef {
    /// Another element (its index in [`Tree::nodes`]).
    Node(u32),
    /// Marked content `mcid` on page `page` (0-based).
    Mc { page: u32, mcid: u32 },
    /// A link annotation, by its index among the links.
    Link(u32),
}

impl Kid {
    pub fn node(n: u32) -> Kid {
        Kid(u64::from(n) << 2)
    }

    pub fn mc(page: u32, mcid: u32) -> Kid {
        Kid((((u64::from(page) << 30) | u64::from(mcid & 0x3FFF_FFFF)) << 2) | 1)
    }

    pub fn link(i: u32) -> Kid {
        Kid((u64::from(i) << 2) | 2)
    }

    pub fn get(self) -> KidRef {
        let v = self.0 >> 2;
        match self.0 & 3 {
            0 => KidRef::Node(v as u32),
            1 => KidRef::Mc {
                page: (v >> 30) as u32,
                mcid: (v & 0x3FFF_FFFF) as u32,
            },
            _ => KidRef::Link(v as u32),
        }
    }
}

/// One structure element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub role: Role,
    pub kids: Vec<Kid>,
    /// The text of a link (its annotation's `/Contents`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// A structure tree: elements in the order they were opened (a parent
/// before its kids), and the top-level ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub roots: Vec<u32>,
}

impl Tree {
    /// Add `other`'s elements (pages shifted by `page_off`, links by
    /// `link_off`) under a new top-level element of `wrap`, or at the top
    /// level when `None`.
    pub fn append(&mut self, other: &Tree, wrap: Option<Role>, page_off: u32, link_off: u32) {
        let wrapper = wrap.map(|role| {
            self.nodes.push(Node {
                role,
                kids: Vec::with_capacity(other.roots.len()),
                text: String::new(),
            });
            let id = (self.nodes.len() - 1) as u32;
            self.roots.push(id);
            id
        });
        let base = self.nodes.len() as u32;
        let shift = |k: &Kid| match k.get() {
            KidRef::Node(n) => Kid::node(n + base),
            KidRef::Mc { page, mcid } => Kid::mc(page + page_off, mcid),
            KidRef::Link(i) => Kid::link(i + link_off),
        };
        self.nodes.extend(other.nodes.iter().map(|n| Node {
            role: n.role.clone(),
            kids: n.kids.iter().map(shift).collect(),
            text: n.text.clone(),
        }));
        let roots = other.roots.iter().map(|r| r + base);
        match wrapper {
            Some(w) => self.nodes[w as usize].kids.extend(roots.map(Kid::node)),
            None => self.roots.extend(roots),
        }
    }

    /// Renumber link kids (`map[i]` is link `i`'s new index; `None` drops it).
    pub fn map_links(&mut self, map: &[Option<u32>]) {
        for n in &mut self.nodes {
            n.kids.retain_mut(|k| match k.get() {
                KidRef::Link(i) => match map.get(i as usize).copied().flatten() {
                    Some(j) => {
                        *k = Kid::link(j);
                        true
                    }
                    None => false,
                },
                _ => true,
            });
        }
    }
}

/// A role as a number, for [`Tree::to_flat`].
fn role_code(role: &Role) -> u64 {
    match role {
        Role::Sect => 0,
        Role::P => 1,
        Role::L { ordered: false } => 2,
        Role::L { ordered: true } => 3,
        Role::LI => 4,
        Role::Lbl => 5,
        Role::LBody => 6,
        Role::Table => 7,
        Role::TR => 8,
        Role::TH => 9,
        Role::H(n) => 10 + u64::from((*n).clamp(1, 6)),
        Role::TD => 17,
        Role::Link => 18,
        Role::BlockQuote => 19,
        Role::Note => 20,
        Role::Code => 21,
        Role::TOC => 22,
        Role::TOCI => 23,
        Role::Figure(_) => 24,
        Role::Artifact(_) => 25,
    }
}

fn role_of(code: u64, text: String) -> Option<Role> {
    Some(match code {
        0 => Role::Sect,
        1 => Role::P,
        2 => Role::L { ordered: false },
        3 => Role::L { ordered: true },
        4 => Role::LI,
        5 => Role::Lbl,
        6 => Role::LBody,
        7 => Role::Table,
        8 => Role::TR,
        9 => Role::TH,
        11..=16 => Role::H((code - 10) as u8),
        17 => Role::TD,
        18 => Role::Link,
        19 => Role::BlockQuote,
        20 => Role::Note,
        21 => Role::Code,
        22 => Role::TOC,
        23 => Role::TOCI,
        24 => Role::Figure(text),
        _ => return None,
    })
}

/// A [`Tree`] as numbers and texts, for the page cache: thousands of
/// elements per document encode and decode in one pass, with no object per
/// element in the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlatTree {
    /// The number of top-level elements and their indices, then per
    /// element its role, its number of kids and the kids ([`Kid`]).
    nums: Vec<u64>,
    /// (element, text): a link's text, a figure's alternative.
    texts: Vec<(u32, String)>,
}

impl Tree {
    pub fn to_flat(&self) -> FlatTree {
        let kids: usize = self.nodes.iter().map(|n| n.kids.len() + 2).sum();
        let mut nums = Vec::with_capacity(1 + self.roots.len() + kids);
        let mut texts = Vec::new();
        nums.push(self.roots.len() as u64);
        nums.extend(self.roots.iter().map(|&r| u64::from(r)));
        for (i, n) in self.nodes.iter().enumerate() {
            nums.push(role_code(&n.role));
            nums.push(n.kids.len() as u64);
            nums.extend(n.kids.iter().map(|k| k.0));
            let text = match &n.role {
                Role::Figure(alt) => alt,
                _ => &n.text,
            };
            if !text.is_empty() {
                texts.push((i as u32, text.clone()));
            }
        }
        FlatTree { nums, texts }
    }

    /// The tree of [`Tree::to_flat`]; `None` when `flat` is not one.
    pub fn from_flat(flat: FlatTree) -> Option<Tree> {
        let mut it = flat.nums.into_iter();
        let nroots = usize::try_from(it.next()?).ok()?;
        let roots = (0..nroots)
            .map(|_| it.next().and_then(|r| u32::try_from(r).ok()))
            .collect::<Option<Vec<u32>>>()?;
        let mut texts = flat.texts.into_iter().peekable();
        let mut nodes = Vec::new();
        while let Some(code) = it.next() {
            let i = nodes.len() as u32;
            let n = usize::try_from(it.next()?).ok()?;
            let kids = (0..n)
                .map(|_| it.next().map(Kid))
                .collect::<Option<Vec<Kid>>>()?;
            let text = texts
                .next_if(|(at, _)| *at == i)
                .map(|(_, t)| t)
                .unwrap_or_default();
            let (role, text) = if code == 24 {
                (role_of(code, text)?, String::new())
            } else {
                (role_of(code, String::new())?, text)
            };
            nodes.push(Node { role, kids, text });
        }
        let n = nodes.len() as u32;
        let valid = roots.iter().all(|&r| r < n)
            && nodes.iter().flat_map(|x| &x.kids).all(|k| match k.get() {
                KidRef::Node(c) => c < n,
                _ => true,
            });
        valid.then_some(Tree { nodes, roots })
    }
}

/// What a run of a page's content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Content of an element: `/<tag> <</MCID n>> BDC`.
    Mc {
        mcid: u32,
        tag: &'static str,
    },
    Artifact(Artifact),
}

/// From item `at` of a page (counting through all its item lists), the
/// content is `mark`, up to the next segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seg {
    pub at: u32,
    pub mark: Mark,
}

/// The standard structure type of a role.
pub fn tag(role: &Role) -> &'static str {
    match role {
        Role::Sect => "Sect",
        Role::H(1) => "H1",
        Role::H(2) => "H2",
        Role::H(3) => "H3",
        Role::H(4) => "H4",
        Role::H(5) => "H5",
        Role::H(_) => "H6",
        Role::P => "P",
        Role::L { .. } => "L",
        Role::LI => "LI",
        Role::Lbl => "Lbl",
        Role::LBody => "LBody",
        Role::Table => "Table",
        Role::TR => "TR",
        Role::TH => "TH",
        Role::TD => "TD",
        Role::Link => "Link",
        Role::BlockQuote => "BlockQuote",
        Role::Note => "Note",
        Role::Code => "Code",
        Role::TOC => "TOC",
        Role::TOCI => "TOCI",
        Role::Figure(_) => "Figure",
        Role::Artifact(_) => "Artifact",
    }
}

enum Frame {
    Node(u32),
    Artifact(Artifact),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Node(u32),
    Artifact(Artifact),
}

/// Builds a [`Tree`] from pages given in order.
#[derive(Default)]
pub struct Builder {
    tree: Tree,
    stack: Vec<Frame>,
    /// An element made for content outside any element (until the next bracket).
    implicit: Option<u32>,
    links: u32,
    last_heading: u8,
}

impl Builder {
    fn parent(&self) -> Option<u32> {
        self.stack.iter().rev().find_map(|f| match f {
            Frame::Node(n) => Some(*n),
            Frame::Artifact(_) => None,
        })
    }

    fn in_artifact(&self) -> Option<Artifact> {
        self.stack.iter().rev().find_map(|f| match f {
            Frame::Artifact(a) => Some(*a),
            Frame::Node(_) => None,
        })
    }

    fn new_node(&mut self, role: Role) -> u32 {
        let id = self.tree.nodes.len() as u32;
        let lbl = role == Role::Lbl;
        self.tree.nodes.push(Node {
            role,
            kids: Vec::new(),
            text: String::new(),
        });
        // A list item's label is set with its first line, inside the
        // item's body: it belongs before the body.
        let li = lbl
            .then(|| {
                self.stack.iter().rev().find_map(|f| match f {
                    Frame::Node(n) if self.tree.nodes[*n as usize].role == Role::LI => Some(*n),
                    _ => None,
                })
            })
            .flatten();
        match (li, self.parent()) {
            (Some(li), _) => self.tree.nodes[li as usize].kids.insert(0, Kid::node(id)),
            (None, Some(p)) => self.tree.nodes[p as usize].kids.push(Kid::node(id)),
            (None, None) => self.tree.roots.push(id),
        }
        id
    }

    fn begin(&mut self, role: &Role) {
        self.implicit = None;
        if let Role::Artifact(a) = role {
            self.stack.push(Frame::Artifact(*a));
            return;
        }
        if let Some(a) = self.in_artifact() {
            self.stack.push(Frame::Artifact(a));
            return;
        }
        let role = match role {
            // Heading levels go down one at a time (an H4 right after an
            // H2 is tagged H3), as assistive technology expects.
            Role::H(n) => {
                let n = (*n).clamp(1, 6).min(self.last_heading + 1);
                self.last_heading = n;
                Role::H(n)
            }
            r => r.clone(),
        };
        let id = self.new_node(role);
        self.stack.push(Frame::Node(id));
    }

    fn target(&mut self, item: &Item) -> Target {
        if let Some(a) = self.in_artifact() {
            return Target::Artifact(a);
        }
        match item {
            Item::Text { .. } => {}
            Item::Logo { .. }
                if self.parent().is_some_and(|p| {
                    matches!(self.tree.nodes[p as usize].role, Role::Figure(_))
                }) => {}
            _ => return Target::Artifact(Artifact::Layout),
        }
        if let Some(p) = self.parent() {
            return Target::Node(p);
        }
        let p = match self.implicit {
            Some(p) => p,
            None => {
                let p = self.new_node(Role::P);
                self.implicit = Some(p);
                p
            }
        };
        Target::Node(p)
    }

    /// The segments of page `page` (0-based) whose items are `parts`, one
    /// list after the other; elements still open at its end continue on
    /// the next page.
    pub fn page(&mut self, page: u32, parts: &[&[Item]]) -> Vec<Seg> {
        let mut segs = Vec::new();
        let mut cur: Option<Target> = None;
        let mut mcid = 0u32;
        for (at, item) in parts.iter().flat_map(|p| p.iter()).enumerate() {
            match item {
                Item::Begin(role) => self.begin(role),
                Item::End => {
                    self.implicit = None;
                    self.stack.pop();
                }
                Item::Link { .. } => {
                    let kid = Kid::link(self.links);
                    self.links += 1;
                    let link = self.stack.iter().rev().find_map(|f| match f {
                        Frame::Node(n) if self.tree.nodes[*n as usize].role == Role::Link => {
                            Some(*n)
                        }
                        _ => None,
                    });
                    let n = match link {
                        Some(n) => n,
                        None => self.new_node(Role::Link),
                    };
                    self.tree.nodes[n as usize].kids.push(kid);
                }
                _ => {
                    let t = self.target(item);
                    if cur != Some(t) {
                        let mark = match t {
                            Target::Node(n) => {
                                let node = &mut self.tree.nodes[n as usize];
                                // A link's text resumed after something
                                // else (a contents entry's leader): a space.
                                if node.role == Role::Link && !node.text.is_empty() {
                                    node.text.push(' ');
                                }
                                node.kids.push(Kid::mc(page, mcid));
                                let m = Mark::Mc {
                                    mcid,
                                    tag: tag(&node.role),
                                };
                                mcid += 1;
                                m
                            }
                            Target::Artifact(a) => Mark::Artifact(a),
                        };
                        segs.push(Seg {
                            at: at as u32,
                            mark,
                        });
                        cur = Some(t);
                    }
                    if let (Item::Text { text, .. }, Target::Node(n)) = (item, t) {
                        let node = &mut self.tree.nodes[n as usize];
                        if node.role == Role::Link {
                            node.text.push_str(text);
                        }
                    }
                }
            }
        }
        segs
    }

    /// The tree of the pages given.
    pub fn finish(self) -> Tree {
        self.tree
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_survives_its_flat_form() {
        let mut b = Builder::default();
        let items = vec![
            Item::Begin(Role::H(1)),
            Item::Text {
                x: 0.0,
                y: 0.0,
                text: "Title".into(),
                face: crate::writers::pdf::fonts::Face::Bold,
                size: 10.0,
                color: crate::writers::pdf::display::Rgb::TEXT,
                width: 10.0,
            },
            Item::End,
            Item::Begin(Role::Figure("Logo of X".into())),
            Item::Logo {
                x: 0.0,
                y: 0.0,
                w: 1.0,
                h: 1.0,
            },
            Item::End,
        ];
        let segs = b.page(0, &[&items]);
        assert_eq!(segs.len(), 2);
        let tree = b.finish();
        assert_eq!(Tree::from_flat(tree.to_flat()), Some(tree));
    }

    #[test]
    fn kids_pack_and_unpack() {
        for k in [
            KidRef::Node(0),
            KidRef::Node(123_456),
            KidRef::Mc { page: 0, mcid: 0 },
            KidRef::Mc {
                page: 4321,
                mcid: 77,
            },
            KidRef::Link(9),
        ] {
            let packed = match k {
                KidRef::Node(n) => Kid::node(n),
                KidRef::Mc { page, mcid } => Kid::mc(page, mcid),
                KidRef::Link(i) => Kid::link(i),
            };
            assert_eq!(packed.get(), k);
        }
    }
}
